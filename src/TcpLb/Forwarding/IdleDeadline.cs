namespace TcpLb.Forwarding;

/// <summary>
/// The idle and half-closed rule both engines time a relayed direction by: a direction that has ended waits for
/// nothing; while the other direction has ended, this one runs under the half-closed timeout when that is shorter
/// (HAProxy's client-fin/server-fin); otherwise under its side's idle timeout.
/// </summary>
internal static class IdleDeadline
{
    /// <summary>Time left before the direction is closed for silence; <see cref="TimeSpan.MaxValue"/> once it has ended.</summary>
    public static TimeSpan Remaining(bool ended, bool otherEnded, TimeSpan sinceActivity, TimeSpan idle, TimeSpan halfClosed)
    {
        if (ended)
        {
            return TimeSpan.MaxValue;
        }

        TimeSpan limit = otherEnded && halfClosed < idle ? halfClosed : idle;
        return limit - sinceActivity;
    }

    /// <summary>Why a connection whose timer ran out is closed: half-closed, or which side was idle.</summary>
    public static CloseReason Reason(bool halfClosed, TimeSpan untilClient) =>
        halfClosed ? CloseReason.HalfClosedTimeout : untilClient <= TimeSpan.Zero ? CloseReason.ClientIdleTimeout : CloseReason.BackendIdleTimeout;
}
