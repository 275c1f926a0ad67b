using System.Net;
using Microsoft.Extensions.Logging;
using TcpLb.Transport.Linux;

namespace TcpLb.Forwarding;

/// <summary>
/// One loop's watch on one listening socket (level-triggered, EPOLLEXCLUSIVE, so one loop wakes per burst): takes an
/// admission slot, accepts (non-blocking, close-on-exec), and starts the connection on this loop. Out of slots it
/// stops watching until one frees (clients wait in the kernel's backlog); out of descriptors it backs off 100 ms.
/// </summary>
internal sealed partial class LoopAcceptor : LoopTarget
{
    private const int AcceptsPerEvent = 64;
    private static readonly TimeSpan s_backoff = TimeSpan.FromMilliseconds(100);

    private readonly EventLoop _loop;
    private readonly int _fd;
    private readonly IPEndPoint _endPoint;
    private readonly bool _wildcard;
    private readonly Func<ConnectionHandler> _currentHandler;
    private readonly ILogger _logger;
    private readonly CancellationToken _shutdown;
    private ListenerAdmission? _reserved; // a slot taken for an accept that found nobody yet
    private bool _watching;
    private bool _waitingForSlot;
    private bool _stopped;

    public LoopAcceptor(EventLoop loop, int fd, IPEndPoint endPoint, Func<ConnectionHandler> currentHandler, ILogger logger, CancellationToken shutdown)
    {
        _loop = loop;
        _fd = fd;
        _endPoint = endPoint;
        _wildcard = endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any);
        _currentHandler = currentHandler;
        _logger = logger;
        _shutdown = shutdown;
    }

    /// <summary>Starts watching the socket. Loop thread.</summary>
    public void Start() => Watch();

    /// <summary>Stops for good; a slot held for the next accept goes back. Loop thread.</summary>
    public void Stop()
    {
        _stopped = true;
        Unwatch();
        _loop.Timers.Cancel(this);
        Interlocked.Exchange(ref _reserved, null)?.Release();
    }

    public override unsafe void OnEvents(int fd, uint events)
    {
        for (int i = 0; i < AcceptsPerEvent && _watching; i++)
        {
            ListenerAdmission? admission = Interlocked.Exchange(ref _reserved, null);
            ConnectionHandler handler = _currentHandler();
            if (admission is null)
            {
                admission = handler.Admission;
                if (!admission.TryTake())
                {
                    WaitForSlot(admission);
                    return;
                }
            }

            var peer = new SocketAddressBytes();
            int length = SocketAddressBytes.Size;
            int client = LinuxSyscalls.Accept(_fd, (byte*)&peer, &length, LinuxFlags.SOCK_NONBLOCK | LinuxFlags.SOCK_CLOEXEC);
            if (client < 0)
            {
                _reserved = admission;
                if (!AcceptFailed(LinuxSyscalls.LastError))
                {
                    return;
                }

                continue;
            }

            var connection = new LoopProxiedConnection(_loop, client, peer, _wildcard ? LocalEndPoint(client) : _endPoint, handler, admission, _shutdown);
            connection.Start();
        }
    }

    public override void OnTimer()
    {
        if (!_stopped)
        {
            Watch(); // the back-off after running out of descriptors is over
        }
    }

    public override void OnFault(Exception exception)
    {
    }

    // True when accepting may go on at once.
    private bool AcceptFailed(int errno)
    {
        switch (errno)
        {
            case Errno.EAGAIN:
                return false;
            case Errno.EINTR:
            case Errno.ECONNABORTED:
                return true; // that client left while queued; the next may be there
            default:
                // Out of descriptors (EMFILE, ENFILE) or kernel memory: stop watching for a moment instead of spinning.
                AcceptFailedLog(_logger, _endPoint, errno);
                Unwatch();
                _loop.Timers.Schedule(this, _loop.After(s_backoff));
                return false;
        }
    }

    // At the listener's or the process's connection limit: clients wait in the backlog until a slot frees.
    private void WaitForSlot(ListenerAdmission admission)
    {
        Unwatch();
        if (_waitingForSlot)
        {
            return;
        }

        _waitingForSlot = true;
        _ = WaitForSlotAsync(admission);
    }

    private async Task WaitForSlotAsync(ListenerAdmission admission)
    {
        bool taken = false;
        try
        {
            await admission.WaitAsync(_shutdown).ConfigureAwait(false);
            taken = true;
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the acceptor is being stopped.
        }

        _loop.Post(static state =>
        {
            var (acceptor, admission, taken) = ((LoopAcceptor, ListenerAdmission, bool))state!;
            acceptor._waitingForSlot = false;
            if (!taken)
            {
                return;
            }

            if (acceptor._stopped)
            {
                admission.Release();
                return;
            }

            acceptor._reserved = admission;
            acceptor.Watch();
        }, (this, admission, taken));
    }

    private void Watch()
    {
        if (!_watching && !_stopped)
        {
            _watching = _loop.Register(_fd, this, LinuxFlags.EPOLLIN | LinuxFlags.EPOLLEXCLUSIVE);
        }
    }

    private void Unwatch()
    {
        if (_watching)
        {
            _loop.Unregister(_fd, removeFromEpoll: true);
            _watching = false;
        }
    }

    // A wildcard listener's connections each say which of the host's addresses they reached (the header's destination).
    private unsafe IPEndPoint LocalEndPoint(int client)
    {
        var local = new SocketAddressBytes();
        int length = SocketAddressBytes.Size;
        return LinuxSyscalls.GetSockName(client, (byte*)&local, &length) == 0 ? local.ToEndPoint() : _endPoint;
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Accept on {Listener} failed with errno {Errno}; retrying in 100 ms")]
    private static partial void AcceptFailedLog(ILogger logger, IPEndPoint listener, int errno);
}
