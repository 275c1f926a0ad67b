using Microsoft.Extensions.Logging;

namespace TcpLb.Transport.Linux;

/// <summary>
/// The event loops of the process, one thread each (one per core by default): every listening socket is watched by
/// every loop (EPOLLEXCLUSIVE: the kernel wakes one), and a connection lives on the loop that accepted it.
/// </summary>
internal sealed class EventLoopGroup : IDisposable
{
    private readonly EventLoop[] _loops;

    public EventLoopGroup(int count, TimeProvider time, ILogger logger)
    {
        _loops = new EventLoop[count];
        for (int i = 0; i < count; i++)
        {
            _loops[i] = new EventLoop(i, time, logger);
        }

        foreach (EventLoop loop in _loops)
        {
            loop.Start();
        }
    }

    public IReadOnlyList<EventLoop> Loops => _loops;

    /// <summary>Runs <paramref name="work"/> on every loop; completes when each has run it.</summary>
    public Task OnEachAsync(Action<EventLoop> work)
    {
        var done = new Task[_loops.Length];
        for (int i = 0; i < _loops.Length; i++)
        {
            var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done[i] = completion.Task;
            _loops[i].Post(static state =>
            {
                var (loop, work, completion) = ((EventLoop, Action<EventLoop>, TaskCompletionSource))state!;
                try
                {
                    work(loop);
                    completion.SetResult();
                }
                catch (Exception exception)
                {
                    completion.SetException(exception);
                }
            }, (_loops[i], work, completion));
        }

        return Task.WhenAll(done);
    }

    public void Dispose()
    {
        foreach (EventLoop loop in _loops)
        {
            loop.Dispose();
        }
    }
}
