using TcpLb.Configuration;
using TcpLb.Transport;

namespace TcpLb.Forwarding;

/// <summary>
/// The idle and half-closed timers of a pumping connection, as one timer that fires at the earliest
/// deadline and re-arms itself when traffic moved the deadline on. Reads only the meters' timestamps:
/// nothing runs per read. Also the observer of the four copy loops: how each ended decides what happens
/// to the rest of the connection.
/// </summary>
internal sealed class ConnectionWatchdog : IDisposable, IPumpObserver
{
    private readonly ProxiedConnection _connection;
    private readonly TimeoutOptions _timeouts;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    private static readonly TimeSpan s_maxTimerWait = TimeSpan.FromDays(1);

    public ConnectionWatchdog(ProxiedConnection connection, TimeoutOptions timeouts, TimeProvider time)
    {
        _connection = connection;
        _timeouts = timeouts;
        _time = time;
        _timer = time.CreateTimer(static state => ((ConnectionWatchdog)state!).Check(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Check();
    }

    /// <summary>Re-evaluates at once; called when a direction ends, since the other then runs under the half-closed timeout.</summary>
    public void Check()
    {
        long now = _time.GetTimestamp();
        TimeSpan untilClient = Remaining(_connection.Upstream, _timeouts.ClientIdle, now);
        TimeSpan untilBackend = Remaining(_connection.Downstream, _timeouts.BackendIdle, now);
        if (untilClient <= TimeSpan.Zero || untilBackend <= TimeSpan.Zero)
        {
            _connection.Abort(IdleDeadline.Reason(_connection.Upstream.Ended || _connection.Downstream.Ended, untilClient));
            return;
        }

        TimeSpan next = untilClient < untilBackend ? untilClient : untilBackend;
        if (next != TimeSpan.MaxValue)
        {
            // Timers take at most ~49 days; a longer wait simply checks again after a day.
            try
            {
                _timer.Change(next < s_maxTimerWait ? next : s_maxTimerWait, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // The connection ended while this check ran.
            }
        }
    }

    /// <summary>A reset on one side resets the other at once; a FIN passed on starts the half-closed clock.</summary>
    public void LoopEnded(PumpLoop loop, PumpEnd end)
    {
        if (end == PumpEnd.Reset)
        {
            _connection.Abort(loop is PumpLoop.ClientReceive or PumpLoop.ClientSend ? CloseReason.ClientReset : CloseReason.BackendReset);
        }
        else if (end == PumpEnd.Fin && loop is PumpLoop.BackendSend or PumpLoop.ClientSend)
        {
            (loop == PumpLoop.BackendSend ? _connection.Upstream : _connection.Downstream).MarkEnded();
            Check();
        }
    }

    public void Dispose() => _timer.Dispose();

    private TimeSpan Remaining(TrafficMeter meter, TimeSpan idle, long now)
    {
        TrafficMeter other = ReferenceEquals(meter, _connection.Upstream) ? _connection.Downstream : _connection.Upstream;
        return IdleDeadline.Remaining(meter.Ended, other.Ended, _time.GetElapsedTime(meter.LastActivity, now), idle, _timeouts.HalfClosed);
    }
}
