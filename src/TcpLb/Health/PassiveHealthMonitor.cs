using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;
using TcpLb.Model;

namespace TcpLb.Health;

/// <summary>
/// Passive health of one pool (Envoy's outlier detection): the forwarding path reports what real connections
/// met, and <see cref="PassiveHealthOptions.ConsecutiveFailures"/> failures in a row, each within
/// <see cref="PassiveHealthOptions.Window"/> of the one before, eject the backend for
/// <c>BaseEjection × 2^(ejections in a row − 1)</c>, capped at <see cref="PassiveHealthOptions.MaxEjection"/>.
/// A success resets the failures, and once the backend is back, the back-off too. An active check that passes
/// ends an ejection early (<see cref="Reinstate"/>).
/// </summary>
/// <remarks>
/// Thread-safe: every connection reports. A success allocates nothing and, unless failures are pending, takes no
/// lock. Per-backend state lives in a <see cref="ConditionalWeakTable{TKey, TValue}"/>, so a backend that leaves
/// the pool (reload, DNS) takes its state with it and nothing needs pruning.
/// </remarks>
internal sealed class PassiveHealthMonitor
{
    private readonly ConditionalWeakTable<BackendState, PassiveBackendState> _states = [];
    private readonly string _pool;
    private readonly PassiveHealthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PassiveHealthMonitor(string poolName, PassiveHealthOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pool = poolName;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised once per ejection: the backend, the ejection's length, and how many ejections in a row.</summary>
    public event Action<BackendState, TimeSpan, int>? Ejected;

    /// <summary>False when <see cref="PassiveHealthOptions.ConsecutiveFailures"/> is 0: every report is ignored.</summary>
    public bool IsEnabled => _options.ConsecutiveFailures > 0;

    /// <summary>A connect to <paramref name="backend"/> was refused or timed out.</summary>
    public void ReportConnectFailure(BackendState backend) => RecordFailure(backend, PassiveFailure.ConnectFailure);

    /// <summary><paramref name="backend"/> reset a connection (not the client, not TcpLb: only failures the backend caused count).</summary>
    public void ReportReset(BackendState backend) => RecordFailure(backend, PassiveFailure.Reset);

    /// <summary>A connect to <paramref name="backend"/> succeeded: the failures in a row start over.</summary>
    public void ReportSuccess(BackendState backend)
    {
        if (!IsEnabled || !_states.TryGetValue(backend, out PassiveBackendState? state) || state.IsClear)
        {
            return;
        }

        lock (state.Gate)
        {
            state.ConsecutiveFailures = 0;

            // A connect dialled before the ejection may still succeed during it: the back-off only starts over
            // once the backend is back and succeeds.
            if (!backend.IsEjected)
            {
                state.EjectionsInARow = 0;
            }
        }
    }

    /// <summary>
    /// Ends <paramref name="backend"/>'s ejection now, because an active check passed (<paramref name="reason"/>); logs
    /// one line. The back-off is kept: if real connections keep failing, the next ejection is longer.
    /// </summary>
    /// <returns>True when the backend was ejected.</returns>
    public bool Reinstate(BackendState backend, string reason)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (_states.TryGetValue(backend, out PassiveBackendState? state))
        {
            lock (state.Gate)
            {
                // Under the lock: a concurrent failure must not eject between the test and the lift.
                if (!backend.IsEjected)
                {
                    return false;
                }

                state.ConsecutiveFailures = 0;
                backend.EjectUntil(0);
            }
        }
        else if (backend.IsEjected)
        {
            backend.EjectUntil(0); // ejected by someone else: still, a passed check ends it
        }
        else
        {
            return false;
        }

        HealthLog.BackendReinstated(_logger, backend.Name, _pool, reason);
        return true;
    }

    /// <summary>The length of ejection number <paramref name="ejectionsInARow"/>: the base, doubled each time, capped.</summary>
    public TimeSpan EjectionLength(int ejectionsInARow)
    {
        double ticks = _options.BaseEjection.Ticks * Math.Pow(2, Math.Clamp(ejectionsInARow - 1, 0, 62));
        return ticks >= _options.MaxEjection.Ticks ? _options.MaxEjection : TimeSpan.FromTicks((long)ticks);
    }

    private void RecordFailure(BackendState backend, PassiveFailure failure)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (!IsEnabled)
        {
            return;
        }

        PassiveBackendState state = _states.GetValue(backend, static _ => new PassiveBackendState());
        long now = _time.GetTimestamp();
        TimeSpan ejection;
        int failures;
        int ejections;
        lock (state.Gate)
        {
            // Connections opened before the ejection keep failing for a while: they must not lengthen it.
            if (backend.IsEjected)
            {
                return;
            }

            if (state.ConsecutiveFailures > 0 && _time.GetElapsedTime(state.LastFailure, now) > _options.Window)
            {
                state.ConsecutiveFailures = 0; // too long ago to be the same trouble
            }

            state.LastFailure = now;
            if (++state.ConsecutiveFailures < _options.ConsecutiveFailures)
            {
                return;
            }

            failures = state.ConsecutiveFailures;
            state.ConsecutiveFailures = 0;
            ejections = ++state.EjectionsInARow;
            ejection = EjectionLength(ejections);
            backend.EjectUntil(now + (long)(ejection.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));
        }

        HealthLog.BackendEjected(_logger, backend.Name, _pool, ejection.TotalSeconds, failures, failure, ejections);
        Ejected?.Invoke(backend, ejection, ejections);
    }
}
