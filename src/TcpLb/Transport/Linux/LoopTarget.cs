namespace TcpLb.Transport.Linux;

/// <summary>
/// Something an <see cref="EventLoop"/> drives: the owner of one or more descriptors registered with the loop's
/// epoll, and of at most one timer in the loop's wheel. Everything here runs on the loop's thread; the timer links
/// live in the object itself, so a timer costs no allocation (one object per connection, not one per timer).
/// </summary>
internal abstract class LoopTarget
{
    // Owned by LoopTimerWheel: where this target's timer sits (level -1: not scheduled).
    internal LoopTarget? TimerNext;
    internal LoopTarget? TimerPrevious;
    internal long TimerDue;
    internal int TimerLevel = -1;
    internal int TimerSlot;

    /// <summary>True while a timer is scheduled.</summary>
    public bool TimerScheduled => TimerLevel != -1;

    /// <summary>Readiness on <paramref name="fd"/> (<c>EPOLLIN</c>, <c>EPOLLOUT</c>, ...), edge-triggered.</summary>
    public abstract void OnEvents(int fd, uint events);

    /// <summary>The timer this target scheduled is due (it is no longer scheduled).</summary>
    public virtual void OnTimer()
    {
    }

    /// <summary>The loop resumes work this target deferred with <see cref="EventLoop.Defer"/> (fairness between targets).</summary>
    public virtual void OnResume()
    {
    }

    /// <summary>An exception escaped a callback of this target: it must release what it holds. The loop goes on.</summary>
    public abstract void OnFault(Exception exception);
}
