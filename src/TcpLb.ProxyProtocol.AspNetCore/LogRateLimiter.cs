namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>
/// Lets through at most <see cref="Burst"/> lines per <see cref="Window"/>, so a source that floods an endpoint
/// with bad headers cannot flood the log; the next line let through says how many were left out.
/// </summary>
internal sealed class LogRateLimiter(TimeProvider timeProvider)
{
    /// <summary>Lines a window lets through: enough to see a misconfigured balancer's pattern, few enough to read.</summary>
    public const int Burst = 10;

    /// <summary>The window: a steady flood costs one line a second.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private long _windowStart;
    private int _linesInWindow;
    private long _leftOut;

    /// <summary>True when a line may be written; <paramref name="leftOutBefore"/> counts the lines refused since the last one.</summary>
    public bool TryAcquire(out long leftOutBefore)
    {
        lock (_lock)
        {
            long now = timeProvider.GetTimestamp();
            if (_linesInWindow == 0 || timeProvider.GetElapsedTime(_windowStart, now) >= Window)
            {
                _windowStart = now;
                _linesInWindow = 0;
            }

            if (_linesInWindow < Burst)
            {
                _linesInWindow++;
                leftOutBefore = _leftOut;
                _leftOut = 0;
                return true;
            }

            _leftOut++;
            leftOutBefore = 0;
            return false;
        }
    }
}
