using System.Buffers;

namespace TcpLb.Transport.Linux;

/// <summary>
/// A client socket accepted on an <see cref="EventLoop"/> and, once dialled, its backend socket, both owned by
/// the loop's thread. Before the relay the owner (the forwarding layer) reads the client itself (a PROXY header,
/// the first bytes) and dials; <see cref="StartRelay"/> then writes the header and the first bytes in one call and
/// relays both directions (see the Relay part). Idle, a connection is this object and two descriptors: no buffer,
/// no task, no timer object.
/// </summary>
internal abstract unsafe partial class LoopConnection : LoopTarget
{
    private const uint SocketEvents = LinuxFlags.EPOLLIN | LinuxFlags.EPOLLOUT | LinuxFlags.EPOLLRDHUP | LinuxFlags.EPOLLET;

    private SocketSide _client;
    private SocketSide _backend = SocketSide.None;
    private RelayDirection _up;
    private RelayDirection _down;
    private bool _relaying;
    private bool _connecting;
    private bool _closed;

    protected LoopConnection(EventLoop loop, int clientFd)
    {
        Loop = loop;
        _client = new SocketSide { Fd = clientFd };
        _up.LastActivity = loop.Now;
        _down.LastActivity = loop.Now;
    }

    public EventLoop Loop { get; }

    /// <summary>True once both sockets are closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>True from <see cref="StartRelay"/> on.</summary>
    public bool IsRelaying => _relaying;

    /// <summary>Splice bulk transfers through kernel pipes (off: every byte is copied through the loop's buffer).</summary>
    public bool SpliceEnabled { get; set; } = true;

    /// <summary>Bytes from the client (a PROXY header it sent included) and from the backend.</summary>
    public long UpstreamBytes => Volatile.Read(ref _up.Bytes);

    public long DownstreamBytes => Volatile.Read(ref _down.Bytes);

    /// <summary>Loop time of the last byte from the client / from the backend.</summary>
    public long UpstreamLastActivity => _up.LastActivity;

    public long DownstreamLastActivity => _down.LastActivity;

    /// <summary>Bytes this connection holds in user space now (a partial write's remainder), both directions.</summary>
    public int HeldBytes => (_up.PendingEnd - _up.PendingStart) + (_down.PendingEnd - _down.PendingStart);

    /// <summary>Bytes waiting in this connection's kernel pipes now, both directions.</summary>
    public int PipedBytes => (_up.Pipe?.Bytes ?? 0) + (_down.Pipe?.Bytes ?? 0);

    /// <summary>True once that direction's FIN was passed on.</summary>
    public bool UpstreamEnded => _up.Ended;

    public bool DownstreamEnded => _down.Ended;

    protected int ClientFd => _client.Fd;

    /// <summary>The client socket has something to read (bytes, FIN or an error).</summary>
    protected bool ClientReadable => _client.Readable;

    /// <summary>The client's FIN came with the last bytes read: nothing more will come.</summary>
    protected bool ClientFinished => _up.SourceEnded;

    /// <summary>Starts watching the client socket. False when epoll refused it (the caller closes the connection).</summary>
    protected bool WatchClient() => Loop.Register(_client.Fd, this, SocketEvents);

    /// <summary>
    /// Reads the client into <paramref name="destination"/> before the relay: the count, 0 at FIN, -1 when nothing
    /// is waiting, -2 on a reset or error. Counts the bytes as the client's.
    /// </summary>
    protected int ReceiveFromClient(Span<byte> destination)
    {
        fixed (byte* buffer = destination)
        {
            nint received = LinuxSyscalls.Receive(_client.Fd, buffer, (nuint)destination.Length, 0);
            if (received > 0)
            {
                _up.Bytes += received;
                _up.LastActivity = Loop.Now;
                if (received < destination.Length)
                {
                    // A short read emptied the socket: wait for the next edge. A FIN that came with the bytes has no
                    // edge of its own left: remember it, so the relay passes it on after what was read.
                    _up.SourceEnded = _client.ReadShort();
                }

                return (int)received;
            }

            if (received == 0)
            {
                return 0;
            }

            int error = LinuxSyscalls.LastError;
            if (error is Errno.EAGAIN or Errno.EINTR)
            {
                _client.Readable = false;
                return -1;
            }

            return -2;
        }
    }

    /// <summary>
    /// Starts a non-blocking connect to <paramref name="address"/>; <see cref="OnConnectResult"/> tells how it
    /// ended. False (with the errno) when it failed at once (no descriptor, unreachable).
    /// </summary>
    protected bool StartConnect(in SocketAddressBytes address, out int errno)
    {
        errno = 0;
        int fd = LinuxSyscalls.Socket(address.Family, LinuxFlags.SOCK_STREAM | LinuxFlags.SOCK_NONBLOCK | LinuxFlags.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            errno = LinuxSyscalls.LastError;
            return false;
        }

        LinuxSyscalls.SetIntOption(fd, LinuxFlags.IPPROTO_TCP, LinuxFlags.TCP_NODELAY, 1);
        SocketAddressBytes sockaddr = address;
        if (LinuxSyscalls.Connect(fd, (byte*)&sockaddr, address.Length) != 0 && LinuxSyscalls.LastError != Errno.EINPROGRESS)
        {
            errno = LinuxSyscalls.LastError;
            LinuxSyscalls.Close(fd);
            return false;
        }

        _backend = new SocketSide { Fd = fd };
        if (!Loop.Register(fd, this, SocketEvents))
        {
            errno = LinuxSyscalls.LastError;
            DropBackend();
            return false;
        }

        _connecting = true;
        return true;
    }

    /// <summary>Closes a backend socket whose connect failed or timed out, so another can be dialled.</summary>
    protected void DropBackend()
    {
        if (_backend.Fd >= 0)
        {
            Loop.Unregister(_backend.Fd);
            LinuxSyscalls.Close(_backend.Fd);
        }

        _backend = SocketSide.None;
        _connecting = false;
    }

    /// <summary>An int socket option of the client's socket, or of the backend's (diagnostics and tests); -1 when it cannot be read.</summary>
    public int ReadSocketOption(bool backend, int level, int name) => LinuxSyscalls.GetIntOption(backend ? _backend.Fd : _client.Fd, level, name);

    /// <summary>TCP keepalive on the client's socket: probes after <paramref name="idleSeconds"/> of silence.</summary>
    protected void SetClientKeepalive(int idleSeconds) => SetKeepalive(_client.Fd, idleSeconds);

    /// <summary>TCP keepalive on the backend socket being dialled.</summary>
    protected void SetBackendKeepalive(int idleSeconds) => SetKeepalive(_backend.Fd, idleSeconds);

    private static void SetKeepalive(int fd, int idleSeconds)
    {
        LinuxSyscalls.SetIntOption(fd, LinuxFlags.SOL_SOCKET, LinuxFlags.SO_KEEPALIVE, 1);
        LinuxSyscalls.SetIntOption(fd, LinuxFlags.IPPROTO_TCP, LinuxFlags.TCP_KEEPIDLE, idleSeconds);
    }

    /// <summary>
    /// The backend is connected: writes <paramref name="header"/> and <paramref name="firstBytes"/> in one call
    /// (rule 22; what the kernel does not take at once waits in a rented buffer) and relays both directions.
    /// </summary>
    protected void StartRelay(ReadOnlySpan<byte> header, ReadOnlySpan<byte> firstBytes)
    {
        _relaying = true;
        _up.LastActivity = Loop.Now;
        _down.LastActivity = Loop.Now;
        int total = header.Length + firstBytes.Length;
        if (total > 0)
        {
            nint written;
            fixed (byte* h = header)
            fixed (byte* f = firstBytes)
            {
                LinuxSyscalls.IoVector* vectors = stackalloc LinuxSyscalls.IoVector[2];
                vectors[0] = new LinuxSyscalls.IoVector { Base = h, Length = (nuint)header.Length };
                vectors[1] = new LinuxSyscalls.IoVector { Base = f, Length = (nuint)firstBytes.Length };
                written = LinuxSyscalls.WriteVector(_backend.Fd, header.Length == 0 ? vectors + 1 : vectors, header.Length == 0 ? 1 : 2);
            }

            if (written < 0)
            {
                int error = LinuxSyscalls.LastError;
                if (error is not (Errno.EAGAIN or Errno.EINTR))
                {
                    End(RelayEnd.BackendReset);
                    return;
                }

                written = 0;
            }

            if (written < total)
            {
                _backend.Writable = false;
                KeepUnwritten(ref _up, header, firstBytes, (int)written);
            }
        }

        Pump();
    }

    /// <summary>Closes both sockets: with a reset (RST) when <paramref name="reset"/>, else a normal close (FIN).</summary>
    public void Close(bool reset) => Finish(RelayEnd.ClosedByOwner, reset);

    /// <summary>The backend's connect ended: 0 when connected, else its errno (the backend socket is already dropped).</summary>
    protected abstract void OnConnectResult(int errno);

    /// <summary>Client readiness before the relay (the owner reads its header or first bytes).</summary>
    protected abstract void OnClientEventBeforeRelay();

    /// <summary>A direction passed its FIN on while the other goes on (the half-closed timeout starts).</summary>
    protected virtual void OnDirectionEnded()
    {
    }

    /// <summary>Both sockets are closed and every buffer given back; called once.</summary>
    protected abstract void OnEnded(RelayEnd end);

    public sealed override void OnEvents(int fd, uint events)
    {
        if (fd == _client.Fd)
        {
            _client.Update(events);
            if (!_relaying)
            {
                OnClientEventBeforeRelay();
                return;
            }
        }
        else
        {
            _backend.Update(events);
            if (_connecting)
            {
                CompleteConnect();
                return;
            }
        }

        if (_relaying)
        {
            Pump();
        }
    }

    public override void OnResume()
    {
        if (_relaying && !_closed)
        {
            Pump();
        }
    }

    public override void OnFault(Exception exception) => Finish(RelayEnd.ClosedByOwner, reset: true);

    private void CompleteConnect()
    {
        if (!_backend.Failed && !_backend.PeerFinished && !_backend.Writable)
        {
            return; // readable before writable cannot mean connected: wait for EPOLLOUT
        }

        _connecting = false;
        bool failed = _backend.Failed || (_backend.PeerFinished && !_backend.Writable);
        int error = failed ? LinuxSyscalls.GetIntOption(_backend.Fd, LinuxFlags.SOL_SOCKET, LinuxFlags.SO_ERROR) : 0;
        if (failed && error == 0)
        {
            error = Errno.ECONNREFUSED; // hung up without saying why
        }

        if (error != 0)
        {
            DropBackend();
        }

        OnConnectResult(error);
    }

    private void End(RelayEnd end) => Finish(end, reset: end is RelayEnd.ClientReset or RelayEnd.BackendReset);

    private void Finish(RelayEnd end, bool reset)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _relaying = false;
        Loop.Timers.Cancel(this);
        CloseSocket(_client.Fd, reset);
        CloseSocket(_backend.Fd, reset);
        ReleaseBuffers(ref _up);
        ReleaseBuffers(ref _down);
        OnEnded(end);
    }

    private void CloseSocket(int fd, bool reset)
    {
        if (fd < 0)
        {
            return;
        }

        Loop.Unregister(fd);
        if (reset)
        {
            // SO_LINGER {on, 0}: close sends RST instead of FIN.
            long linger = 1; // l_onoff = 1, l_linger = 0
            LinuxSyscalls.SetSockOpt(fd, LinuxFlags.SOL_SOCKET, LinuxFlags.SO_LINGER, &linger, sizeof(long));
        }

        LinuxSyscalls.Close(fd);
    }

    private void ReleaseBuffers(ref RelayDirection direction)
    {
        if (direction.Pending is { } pending)
        {
            ArrayPool<byte>.Shared.Return(pending);
            direction.Pending = null;
            direction.PendingStart = direction.PendingEnd = 0;
        }

        if (direction.Pipe is { } pipe)
        {
            Loop.Pipes.Return(pipe); // closed instead when bytes were left in it
            direction.Pipe = null;
        }
    }

    // What a partial write left: copied into a rented buffer that lives until it is written.
    private static void KeepUnwritten(ref RelayDirection direction, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, int written)
    {
        int left = first.Length + second.Length - written;
        byte[] pending = ArrayPool<byte>.Shared.Rent(left);
        if (written < first.Length)
        {
            first[written..].CopyTo(pending);
            second.CopyTo(pending.AsSpan(first.Length - written));
        }
        else
        {
            second[(written - first.Length)..].CopyTo(pending);
        }

        direction.Pending = pending;
        direction.PendingStart = 0;
        direction.PendingEnd = left;
    }
}
