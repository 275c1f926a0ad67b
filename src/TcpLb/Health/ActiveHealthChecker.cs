using Microsoft.Extensions.Logging;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Model;

namespace TcpLb.Health;

/// <summary>
/// Active health checks of one pool: each backend in <see cref="Pool.All"/> is probed every
/// <see cref="HealthCheckOptions.Interval"/>, jittered so a pool's checks do not align, one check in flight per
/// backend. <see cref="HealthCheckOptions.Fall"/> failures in a row take an up backend down;
/// <see cref="HealthCheckOptions.Rise"/> passes in a row bring a down one up. Every passed check also ends a
/// passive ejection early. Membership is re-read every interval (and on <see cref="Refresh"/>), so backends
/// added by a reload or DNS are picked up and removed ones stop being checked.
/// </summary>
/// <remarks>
/// The check timeout lives in the probe (<see cref="IHealthProbe"/>), which knows what it was waiting for and
/// says so in the reason. The loops never throw: a probe that throws counts as a failed check.
/// </remarks>
internal sealed class ActiveHealthChecker : IAsyncDisposable
{
    /// <summary>Timers tick in whole milliseconds, and a zero delay would run the check inline: never wait less.</summary>
    private static readonly TimeSpan s_shortestDelay = TimeSpan.FromMilliseconds(1);

    private static readonly TimerCallback s_due = static state => ((TaskCompletionSource)state!).TrySetResult();
    private static readonly Action<object?> s_cancelled = static state => ((TaskCompletionSource)state!).TrySetCanceled();

    private readonly Pool _pool;
    private readonly HealthCheckOptions _options;
    private readonly IHealthProbe _probe;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly PassiveHealthMonitor? _passive;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<BackendState, BackendCheckState> _checks = [];
    private readonly List<Task> _retiring = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task _rounds = Task.CompletedTask;
    private bool _started;
    private bool _stopped;

    /// <param name="random">Draws the jitter; <see cref="Random.Shared"/> when null (tests pass a seeded one).</param>
    /// <param name="passive">The pool's passive monitor, told when a passed check ends an ejection early.</param>
    public ActiveHealthChecker(
        Pool pool,
        HealthCheckOptions options,
        IHealthProbe probe,
        TimeProvider time,
        ILogger logger,
        Random? random = null,
        PassiveHealthMonitor? passive = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(probe);
        _pool = pool;
        _options = options;
        _probe = probe;
        _time = time;
        _logger = logger;
        _random = random ?? Random.Shared;
        _passive = passive;
    }

    /// <summary>
    /// Raised once per transition, after it is logged: the backend, true when it came up, and the last check's
    /// reason. Raised on a check's thread; a listener that throws is logged and the checks go on.
    /// </summary>
    public event Action<BackendState, bool, string>? StateChanged;

    /// <summary>The backends being checked now.</summary>
    public IReadOnlyList<BackendState> CheckedBackends
    {
        get
        {
            lock (_gate)
            {
                return [.. _checks.Keys];
            }
        }
    }

    /// <summary>Starts checking every backend of the pool; the first check of each comes within one interval.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_started)
            {
                throw new InvalidOperationException("The health checker is already started.");
            }

            _started = true;
        }

        HealthLog.CheckerStarted(_logger, _pool.Name, _options.Interval.TotalSeconds, _options.Jitter * 100, _options.Fall, _options.Rise);
        Refresh();
        _rounds = RunRoundsAsync();
    }

    /// <summary>
    /// Re-reads <see cref="Pool.All"/> now: new backends start being checked, gone ones stop. Each interval does it
    /// anyway; the pool's wiring may call it right after a reload or a DNS change.
    /// </summary>
    public void Refresh()
    {
        var current = new HashSet<BackendState>(_pool.All);
        lock (_gate)
        {
            if (!_started || _stopped)
            {
                return;
            }

            _retiring.RemoveAll(loop => loop.IsCompleted);
            foreach (BackendState backend in current)
            {
                if (!_checks.ContainsKey(backend))
                {
                    var check = new BackendCheckState(backend);
                    _checks.Add(backend, check);
                    check.Loop = CheckLoopAsync(check); // runs to its first delay (at least 1 ms): no check inline
                }
            }

            foreach (BackendCheckState check in _checks.Values.Where(check => !current.Contains(check.Backend)).ToList())
            {
                // Its loop ends at its next wake-up; a check in flight finishes and is ignored.
                check.MarkRemoved();
                _checks.Remove(check.Backend);
                _retiring.Add(check.Loop);
            }
        }
    }

    /// <summary>Stops every check: cancels the waits and the checks in flight, and waits for the loops to end.</summary>
    public async Task StopAsync()
    {
        Task[] loops;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            loops = [_rounds, .. _checks.Values.Select(check => check.Loop), .. _retiring];
            _checks.Clear();
            _retiring.Clear();
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunRoundsAsync()
    {
        try
        {
            while (true)
            {
                await DelayAsync(_options.Interval, _stopping.Token).ConfigureAwait(false);
                Refresh();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    /// <summary>One backend's checks, one at a time: wait, probe, count; the next check starts an interval after this one started.</summary>
    private async Task CheckLoopAsync(BackendCheckState check)
    {
        CancellationToken stopping = _stopping.Token;
        try
        {
            // The first checks of a pool are spread over one interval rather than all fired at start.
            TimeSpan delay = Clamp(_options.Interval * NextDouble());
            while (true)
            {
                await DelayAsync(delay, stopping).ConfigureAwait(false);
                if (check.IsRemoved)
                {
                    return;
                }

                long started = _time.GetTimestamp();
                HealthProbeResult result = await ProbeAsync(check.Backend, stopping).ConfigureAwait(false);
                stopping.ThrowIfCancellationRequested();
                if (check.IsRemoved)
                {
                    return;
                }

                Record(check, result);
                delay = Clamp(JitteredInterval() - _time.GetElapsedTime(started));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    /// <summary>
    /// <c>Task.Delay</c> on the <see cref="TimeProvider"/>, except that the loop resumes on the timer's own callback
    /// (a <see cref="TaskCompletionSource"/> completed there runs its continuation inline): a check starts when it
    /// is due, not when the thread pool gets to it, and under a fake clock at the very instant it was due.
    /// </summary>
    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var due = new TaskCompletionSource();
        using ITimer timer = _time.CreateTimer(s_due, due, delay, Timeout.InfiniteTimeSpan);
        using CancellationTokenRegistration cancel = cancellationToken.UnsafeRegister(s_cancelled, due);
        await due.Task.ConfigureAwait(false);
    }

    private async Task<HealthProbeResult> ProbeAsync(BackendState backend, CancellationToken stopping)
    {
        try
        {
            return await _probe.ProbeAsync(backend, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            HealthLog.ProbeFaulted(_logger, backend.Name, _pool.Name, exception);
            return HealthProbeResult.Fail($"probe error: {exception.GetType().Name}");
        }
    }

    /// <summary>The rise/fall state machine of one backend, fed one verdict at a time.</summary>
    private void Record(BackendCheckState check, HealthProbeResult result)
    {
        BackendState backend = check.Backend;
        if (result.Healthy)
        {
            check.ConsecutiveFailures = 0;
            check.ConsecutiveSuccesses = Math.Min(check.ConsecutiveSuccesses + 1, _options.Rise);
            if (backend.IsEjected)
            {
                // A passed check ends a passive ejection early (Envoy's successful_active_health_check_uneject_host).
                if (_passive is null)
                {
                    backend.EjectUntil(0);
                }
                else
                {
                    _passive.Reinstate(backend, result.Reason);
                }
            }

            if (!backend.IsCheckedUp && check.ConsecutiveSuccesses >= _options.Rise && backend.SetCheckedUp(true))
            {
                HealthLog.BackendUp(_logger, backend.Name, _pool.Name, check.ConsecutiveSuccesses, result.Reason);
                RaiseStateChanged(backend, up: true, result.Reason);
            }
        }
        else
        {
            check.ConsecutiveSuccesses = 0;
            check.ConsecutiveFailures = Math.Min(check.ConsecutiveFailures + 1, _options.Fall);
            if (backend.IsCheckedUp && check.ConsecutiveFailures >= _options.Fall && backend.SetCheckedUp(false))
            {
                HealthLog.BackendDown(_logger, backend.Name, _pool.Name, check.ConsecutiveFailures, result.Reason);
                RaiseStateChanged(backend, up: false, result.Reason);
            }
        }
    }

    private void RaiseStateChanged(BackendState backend, bool up, string reason)
    {
        try
        {
            StateChanged?.Invoke(backend, up, reason);
        }
        catch (Exception exception)
        {
            HealthLog.ListenerFaulted(_logger, _pool.Name, backend.Name, exception);
        }
    }

    /// <summary>A delay drawn uniformly from [interval × (1 − jitter), interval × (1 + jitter)].</summary>
    private TimeSpan JitteredInterval()
    {
        double jitter = Math.Clamp(_options.Jitter, 0, 1);
        return _options.Interval * (1 + (jitter * ((2 * NextDouble()) - 1)));
    }

    private double NextDouble()
    {
        lock (_gate)
        {
            return _random.NextDouble(); // Random is not thread-safe, and loops draw concurrently
        }
    }

    private static TimeSpan Clamp(TimeSpan delay) => delay < s_shortestDelay ? s_shortestDelay : delay;
}
