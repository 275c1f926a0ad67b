using Microsoft.Extensions.Logging;
using TcpLb.Transport;
using TcpLb.Transport.Linux;

namespace TcpLb.Forwarding;

/// <summary>
/// The Linux engine: a group of event loops (one thread per core by default, <c>--threads</c>), each watching every
/// listening socket and owning the connections it accepted (<see cref="LoopProxiedConnection"/>) from accept to close.
/// </summary>
internal sealed class EpollEngine : IConnectionEngine
{
    private readonly EventLoopGroup _loops;
    private readonly ILogger _logger;
    private readonly CancellationToken _shutdown;

    public EpollEngine(int threads, TimeProvider time, ILogger logger, CancellationToken shutdown)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the epoll engine runs on Linux only; use --engine sockets");
        }

        _loops = new EventLoopGroup(threads, time, logger);
        _logger = logger;
        _shutdown = shutdown;
    }

    public string Name => "epoll";

    /// <summary>The loops (tests look at their pipes and timers).</summary>
    public IReadOnlyList<EventLoop> Loops => _loops.Loops;

    public IAcceptor Accept(SocketListener listener, Func<ConnectionHandler> currentHandler)
    {
        int fd = listener.TakeDescriptorForEventLoops();
        var acceptors = new LoopAcceptor[_loops.Loops.Count];
        for (int i = 0; i < acceptors.Length; i++)
        {
            acceptors[i] = new LoopAcceptor(_loops.Loops[i], fd, listener.LocalEndPoint, currentHandler, _logger, _shutdown);
        }

        _loops.OnEachAsync(loop => acceptors[loop.Index].Start()).GetAwaiter().GetResult();
        return new Acceptors(_loops, acceptors);
    }

    public ValueTask DisposeAsync()
    {
        _loops.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class Acceptors(EventLoopGroup loops, LoopAcceptor[] acceptors) : IAcceptor
    {
        public Task StopAsync() => loops.OnEachAsync(loop => acceptors[loop.Index].Stop());
    }
}
