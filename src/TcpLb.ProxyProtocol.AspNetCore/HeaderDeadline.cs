using System.IO.Pipelines;

namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>
/// Bounds the wait for a header (rule 21) without a token per read: when the time is up, the pending read is
/// cancelled and returns <c>IsCanceled</c>. <see cref="End"/> settles the race with a header that completes at
/// the same moment, so a late cancel can never reach the application's first read.
/// </summary>
internal sealed class HeaderDeadline : IDisposable
{
    private const int Waiting = 0;
    private const int Expired = 1;
    private const int Ended = 2;

    private readonly PipeReader _input;
    private readonly ITimer _timer;
    private int _state;

    public HeaderDeadline(PipeReader input, TimeSpan timeout, TimeProvider timeProvider)
    {
        _input = input;
        _timer = timeProvider.CreateTimer(static state => ((HeaderDeadline)state!).Expire(), this, timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops the clock; true when it had already run out (a cancel may then be pending on the reader).</summary>
    public bool End()
    {
        int previous = Interlocked.CompareExchange(ref _state, Ended, Waiting);
        _timer.Dispose();
        return previous == Expired;
    }

    public void Dispose() => End();

    private void Expire()
    {
        if (Interlocked.CompareExchange(ref _state, Expired, Waiting) == Waiting)
        {
            _input.CancelPendingRead();
        }
    }
}
