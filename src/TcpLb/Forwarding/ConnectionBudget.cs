using Microsoft.Extensions.Logging;

namespace TcpLb.Forwarding;

/// <summary>
/// A cap on connections held at once (a listener's max-connections, or the process's descriptor budget).
/// The accept loop waits for a slot before accepting, so past the cap clients wait in the kernel's backlog
/// rather than being accepted and dropped. Reaching the cap is logged at most every 10 s.
/// </summary>
#pragma warning disable CA1001 // SemaphoreSlim holds no OS handle unless AvailableWaitHandle is used; nothing to dispose
internal sealed partial class ConnectionBudget
#pragma warning restore CA1001
{
    private static readonly TimeSpan s_warningInterval = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _slots;
    private readonly string _what;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _limitGate = new();
    private long _lastWarning = long.MinValue;
    private int _withheld; // slots kept from new connections while descriptors run short (Hosting/DescriptorWatch)
    private int _owed;     // slots still to withhold, taken as open connections give theirs back

    public ConnectionBudget(int max, string what, TimeProvider time, ILogger logger)
    {
        Max = max;
        _slots = new SemaphoreSlim(max, max);
        _what = what;
        _time = time;
        _logger = logger;
    }

    public int Max { get; }

    /// <summary>Slots held by open connections (or accepts waiting to be served).</summary>
    public int InUse => Max - _slots.CurrentCount - Volatile.Read(ref _withheld);

    /// <summary>
    /// Lets at most <paramref name="limit"/> (within <see cref="Max"/>) connections be held from now on: slots are
    /// withheld from new connections, free ones at once and the others as open connections close (an open connection
    /// is never cut). Raising the limit gives withheld slots back.
    /// </summary>
    public void Limit(int limit)
    {
        lock (_limitGate)
        {
            int wanted = Math.Clamp(Max - limit, 0, Max);
            while (_withheld + _owed > wanted && _owed > 0)
            {
                _owed--;
            }

            while (_withheld > wanted)
            {
                _withheld--;
                _slots.Release();
            }

            while (_withheld < wanted && _slots.Wait(0, CancellationToken.None))
            {
                _withheld++;
            }

            _owed = wanted - _withheld;
        }
    }

    /// <summary>Takes a slot if one is free now; at the cap, warns (at most every 10 s) and returns false.</summary>
    public bool TryTake()
    {
        if (_slots.Wait(0, CancellationToken.None))
        {
            return true;
        }

        long now = _time.GetTimestamp();
        long last = Interlocked.Read(ref _lastWarning);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= s_warningInterval) && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
        {
            Full(_logger, Max - Volatile.Read(ref _withheld), _what);
        }

        return false;
    }

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (!TryTake())
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Release()
    {
        if (Volatile.Read(ref _owed) > 0)
        {
            lock (_limitGate)
            {
                if (_owed > 0)
                {
                    _owed--;
                    _withheld++; // the limit went down: this slot stays out of use
                    return;
                }
            }
        }

        _slots.Release();
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "{Max} connections open, the {What} limit: new clients wait in the listen backlog until one closes")]
    private static partial void Full(ILogger logger, int max, string what);
}
