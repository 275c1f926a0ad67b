using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TcpLb.Transport.Linux;

/// <summary>
/// One thread, one epoll set, one timer wheel, one read buffer: the connections registered here live on this
/// thread from accept to close, so their state needs no lock. Descriptors are registered once, edge-triggered, for
/// reading and writing together (no <c>epoll_ctl</c> per event); the event carries the descriptor and a
/// generation, so an event queued for a descriptor closed earlier in the same batch is dropped, not delivered to
/// whoever reused the number. Other threads reach a loop only through <see cref="Post"/> (an eventfd wakes it).
/// Time is the <see cref="TimeProvider"/>'s, in milliseconds since the loop started: the system clock wakes the
/// loop through epoll_wait's timeout, any other clock (tests) through one <see cref="ITimer"/> per loop.
/// </summary>
internal sealed unsafe partial class EventLoop : IDisposable
{
    /// <summary>The most one read takes; one buffer per loop, shared by all its connections.</summary>
    public const int ReadBufferSize = 64 * 1024;

    private const int MaxEvents = 256;
    private const uint WakeGeneration = 0;

    private readonly int _epoll;
    private readonly int _wakeFd;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly ITimer? _wakeTimer;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly EpollEventBuffer _events = new(MaxEvents);
    private readonly ConcurrentQueue<(Action<object?> Work, object? State)> _posted = new();
    private readonly List<LoopTarget> _deferred = [];
    private readonly List<LoopTarget> _resuming = [];
    private LoopTarget?[] _targets = new LoopTarget?[256];
    private uint[] _generations = new uint[256];
    private long _armedWake = -1;
    private int _wakeRequested;
    private volatile bool _stopping;

    public EventLoop(int index, TimeProvider time, ILogger logger)
    {
        Index = index;
        _time = time;
        _logger = logger;
        _start = time.GetTimestamp();
        Timers = new LoopTimerWheel(0);
        ReadBuffer = GC.AllocateUninitializedArray<byte>(ReadBufferSize, pinned: true);
        Pipes = new KernelPipePool();
        _epoll = LinuxSyscalls.EpollCreate(LinuxFlags.EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed: errno {LinuxSyscalls.LastError}");
        }

        _wakeFd = LinuxSyscalls.EventFd(0, LinuxFlags.EFD_NONBLOCK | LinuxFlags.EFD_CLOEXEC);
        if (_wakeFd < 0 || !AddToEpoll(_wakeFd, LinuxFlags.EPOLLIN | LinuxFlags.EPOLLET, WakeGeneration))
        {
            int error = LinuxSyscalls.LastError;
            LinuxSyscalls.Close(_epoll);
            throw new InvalidOperationException($"eventfd failed: errno {error}");
        }

        if (time != TimeProvider.System)
        {
            _wakeTimer = time.CreateTimer(static state => ((EventLoop)state!).Wake(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _thread = new Thread(Run) { IsBackground = true, Name = $"tcplb-loop-{index}" };
    }

    /// <summary>This loop's number in its group.</summary>
    public int Index { get; }

    /// <summary>The loop's time in milliseconds since it started, read once per round of events.</summary>
    public long Now { get; private set; }

    /// <summary>The clock connections read their start and duration from.</summary>
    public TimeProvider Time => _time;

    /// <summary>The timers of this loop's targets.</summary>
    public LoopTimerWheel Timers { get; }

    /// <summary>The loop's read buffer (pinned): a read lands here and is written on at once, or copied aside.</summary>
    public byte[] ReadBuffer { get; }

    /// <summary>Kernel pipes for splice, reused across this loop's connections.</summary>
    public KernelPipePool Pipes { get; }

    /// <summary>True on this loop's own thread.</summary>
    public bool IsLoopThread => Environment.CurrentManagedThreadId == _thread.ManagedThreadId;

    public void Start() => _thread.Start();

    /// <summary>
    /// Registers <paramref name="fd"/> for <paramref name="events"/> with <paramref name="target"/> as its owner.
    /// False (errno kept) when epoll refused it. Loop thread only.
    /// </summary>
    public bool Register(int fd, LoopTarget target, uint events)
    {
        if (fd >= _targets.Length)
        {
            int size = Math.Max(_targets.Length * 2, fd + 1);
            Array.Resize(ref _targets, size);
            Array.Resize(ref _generations, size);
        }

        uint generation = ++_generations[fd];
        if (generation == WakeGeneration)
        {
            generation = ++_generations[fd];
        }

        _targets[fd] = target;
        if (!AddToEpoll(fd, events, generation))
        {
            _targets[fd] = null;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Forgets <paramref name="fd"/>: no event for it reaches its target any more. A descriptor this loop closes
    /// leaves epoll by itself; one that stays open (a listening socket) is removed with <paramref name="removeFromEpoll"/>.
    /// </summary>
    public void Unregister(int fd, bool removeFromEpoll = false)
    {
        if (fd < _targets.Length)
        {
            _targets[fd] = null;
            _generations[fd]++;
        }

        if (removeFromEpoll)
        {
            LinuxSyscalls.EpollCtl(_epoll, LinuxFlags.EPOLL_CTL_DEL, fd, null);
        }
    }

    /// <summary>Runs <paramref name="work"/> on the loop's thread soon. Any thread.</summary>
    public void Post(Action<object?> work, object? state)
    {
        _posted.Enqueue((work, state));
        Wake();
    }

    /// <summary>Calls <paramref name="target"/>'s <see cref="LoopTarget.OnResume"/> after this round of events (a busy connection yields).</summary>
    public void Defer(LoopTarget target) => _deferred.Add(target);

    /// <summary>The loop time <paramref name="delay"/> from now, for a timer.</summary>
    public long After(TimeSpan delay) => delay <= TimeSpan.Zero ? Now : delay >= TimeSpan.FromDays(3650) ? long.MaxValue / 2 : Now + (long)Math.Ceiling(delay.TotalMilliseconds);

    /// <summary>Stops the loop after the round in progress; its targets are left as they are (the group closes them first).</summary>
    public void Stop()
    {
        _stopping = true;
        Wake();
        if (_thread.IsAlive && !IsLoopThread)
        {
            _thread.Join();
        }
    }

    public void Dispose()
    {
        Stop();
        _wakeTimer?.Dispose();
        LinuxSyscalls.Close(_wakeFd);
        LinuxSyscalls.Close(_epoll);
        _events.Dispose();
        Pipes.Dispose();
    }

    private bool AddToEpoll(int fd, uint events, uint generation)
    {
        byte* evt = stackalloc byte[16];
        EpollEventBuffer.Write(evt, events, ((ulong)generation << 32) | (uint)fd);
        return LinuxSyscalls.EpollCtl(_epoll, LinuxFlags.EPOLL_CTL_ADD, fd, evt) == 0;
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakeRequested, 1) == 0)
        {
            ulong one = 1;
            LinuxSyscalls.Write(_wakeFd, &one, sizeof(ulong));
        }
    }

    private void Run()
    {
        Now = ReadClock();
        while (!_stopping)
        {
            int ready = LinuxSyscalls.EpollWait(_epoll, _events.Pointer, MaxEvents, WaitTimeout());
            Now = ReadClock();
            if (ready < 0)
            {
                if (LinuxSyscalls.LastError != Errno.EINTR)
                {
                    WaitFailed(_logger, Index, LinuxSyscalls.LastError);
                    Thread.Sleep(10); // never spin on a broken epoll
                }

                continue;
            }

            for (int i = 0; i < ready; i++)
            {
                Dispatch(_events.Events(i), _events.Data(i));
            }

            RunTimers();
            ResumeDeferred();
        }
    }

    private void Dispatch(uint events, ulong data)
    {
        int fd = (int)(uint)data;
        uint generation = (uint)(data >> 32);
        if (generation == WakeGeneration && fd == _wakeFd)
        {
            RunPosted();
            return;
        }

        if (fd >= _targets.Length || _generations[fd] != generation || _targets[fd] is not { } target)
        {
            return; // closed earlier in this batch (its number may already belong to someone else)
        }

        try
        {
            target.OnEvents(fd, events);
        }
        catch (Exception exception)
        {
            Fault(target, exception);
        }
    }

    private void RunPosted()
    {
        ulong count;
        LinuxSyscalls.Read(_wakeFd, &count, sizeof(ulong));
        Volatile.Write(ref _wakeRequested, 0); // before draining: what is posted from now on wakes the loop again
        while (_posted.TryDequeue(out (Action<object?> Work, object? State) item))
        {
            try
            {
                item.Work(item.State);
            }
            catch (Exception exception)
            {
                PostedWorkFailed(_logger, Index, exception);
            }
        }
    }

    private void RunTimers()
    {
        try
        {
            Timers.Advance(Now);
        }
        catch (Exception exception)
        {
            // A target that threw in OnTimer was already unscheduled; the rest fire on the next round.
            PostedWorkFailed(_logger, Index, exception);
        }
    }

    private void ResumeDeferred()
    {
        if (_deferred.Count == 0)
        {
            return;
        }

        _resuming.AddRange(_deferred);
        _deferred.Clear();
        foreach (LoopTarget target in _resuming)
        {
            try
            {
                target.OnResume();
            }
            catch (Exception exception)
            {
                Fault(target, exception);
            }
        }

        _resuming.Clear();
    }

    private void Fault(LoopTarget target, Exception exception)
    {
        TargetFailed(_logger, Index, exception);
        try
        {
            target.OnFault(exception);
        }
        catch (Exception again)
        {
            TargetFailed(_logger, Index, again);
        }
    }

    // How long epoll_wait may sleep: not at all with deferred work; until the next timer on the system clock; else
    // until woken (another clock wakes the loop through its timer, armed here when the next deadline moved).
    private int WaitTimeout()
    {
        if (_deferred.Count > 0)
        {
            return 0;
        }

        long wake = Timers.NextWake();
        if (_wakeTimer is not null)
        {
            return ArmWakeTimer(wake < 0 ? -1 : Timers.Now + wake);
        }

        return wake < 0 ? -1 : (int)Math.Min(wake, int.MaxValue);
    }

    // Another clock (tests) moves when its owner says, from any thread: the timer is armed against the clock as it
    // reads now, again if it moved while arming, and a deadline already passed means no sleep at all.
    private int ArmWakeTimer(long due)
    {
        if (due < 0)
        {
            if (_armedWake != -1)
            {
                _armedWake = -1;
                _wakeTimer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            return -1;
        }

        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = ReadClock();
            if (before >= due)
            {
                return 0;
            }

            _armedWake = due;
            _wakeTimer!.Change(TimeSpan.FromMilliseconds(due - before), Timeout.InfiniteTimeSpan);
            if (ReadClock() == before)
            {
                return -1;
            }
        }

        return 0;
    }

    private long ReadClock() => (long)_time.GetElapsedTime(_start).TotalMilliseconds;

    [LoggerMessage(EventId = 700, Level = LogLevel.Error, Message = "Event loop {Loop}: epoll_wait failed with errno {Errno}")]
    private static partial void WaitFailed(ILogger logger, int loop, int errno);

    [LoggerMessage(EventId = 701, Level = LogLevel.Error, Message = "Event loop {Loop}: a connection failed unexpectedly and was closed")]
    private static partial void TargetFailed(ILogger logger, int loop, Exception exception);

    [LoggerMessage(EventId = 702, Level = LogLevel.Error, Message = "Event loop {Loop}: posted work or a timer failed")]
    private static partial void PostedWorkFailed(ILogger logger, int loop, Exception exception);
}
