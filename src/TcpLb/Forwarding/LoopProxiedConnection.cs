using System.Buffers;
using System.Net;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Inspection;
using TcpLb.Model;
using TcpLb.ProxyProtocol;
using TcpLb.Tlvs;
using TcpLb.Transport;
using TcpLb.Transport.Linux;

namespace TcpLb.Forwarding;

/// <summary>
/// One accepted connection's life on the Linux event-loop engine, as a state machine its loop drives: who the client
/// is (a trusted upstream's PROXY header, read from the socket into a buffer that grows only with what arrived) →
/// the client's first bytes (client-first; while a route needs what they show, read on and inspected again from their
/// start, at most <c>inspectBytes</c>, held in a buffer that grows only with what arrived) → the route → a backend of
/// its pool (a non-blocking dial, retried elsewhere on failure) → header and first bytes in one write → the relay of
/// <see cref="LoopConnection"/> → one close, accounted by the handler.
/// The handler decides each step, as it does for the sockets engine. Timers (header, first bytes, connect, idle,
/// half-closed) are this object's one slot in the loop's wheel.
/// </summary>
internal sealed class LoopProxiedConnection : LoopConnection, IOpenConnection
{
    private readonly ConnectionHandler _handler;
    private readonly ListenerAdmission _admission;
    private readonly SocketAddressBytes _peer;
    private readonly IPEndPoint _listenerEndPoint;
    private readonly CancellationToken _shutdown;
    private readonly long _acceptedAt; // loop ms
    private IPEndPoint? _clientEndPoint;
    private ReportedHeader? _reported;
    private byte[]? _held; // the upstream's header as it arrives, then the first bytes until they are sent
    private int _heldStart;
    private int _heldEnd;
    private RouteTarget? _route;
    private PooledPrefix _header; // composed once routed, while the first bytes are held; written when the backend connects
    private BackendState? _backend;
    private BackendState[]? _tried;
    private int _triedCount;
    private long _dialStarted;
    private int _phase;
    private int _closeReason;

    public LoopProxiedConnection(EventLoop loop, int clientFd, in SocketAddressBytes peer, IPEndPoint listenerEndPoint, ConnectionHandler handler, ListenerAdmission admission, CancellationToken shutdown)
        : base(loop, clientFd)
    {
        _handler = handler;
        _admission = admission;
        _peer = peer;
        _listenerEndPoint = listenerEndPoint;
        _shutdown = shutdown;
        _acceptedAt = loop.Now;
        StartTimestamp = handler.Time.GetTimestamp();
        Id = handler.NextId();
    }

    public ConnectionId Id { get; }

    public ListenerTag Listener => _handler.Listener;

    public ConnectionPhase Phase
    {
        get
        {
            var phase = (ConnectionPhase)Volatile.Read(ref _phase);
            return phase == ConnectionPhase.Established && (UpstreamEnded || DownstreamEnded) ? ConnectionPhase.HalfClosed : phase;
        }
    }

    public IPEndPoint ClientEndPoint => _clientEndPoint ??= _peer.ToEndPoint();

    public IPEndPoint ListenerEndPoint => _listenerEndPoint;

    public long StartTimestamp { get; }

    public long BytesFromClient => UpstreamBytes;

    public long BytesFromBackend => DownstreamBytes;

    public bool ClientDirectionEnded => UpstreamEnded;

    public BackendState? CurrentBackend => Volatile.Read(ref _backend);

    public PublishedTraffic Traffic { get; } = new();

    public CloseReason CloseReason => (CloseReason)Volatile.Read(ref _closeReason);

    // The listener's until routed (header, first bytes), then the route's (its pool's idle and connect timers, else the listener's).
    private TimeoutOptions Timeouts => _route?.Timeouts ?? _handler.Options.Timeouts;

    /// <summary>Begins the connection's life on its loop, right after accept.</summary>
    public void Start()
    {
        _handler.Accepted(this);
        if (!WatchClient())
        {
            CloseWith(CloseReason.ClientReset);
            return;
        }

        if (_handler.KeepaliveSeconds > 0)
        {
            SetClientKeepalive(_handler.KeepaliveSeconds);
        }

        ClientSource source = _handler.Options.AcceptProxyFrom.Count == 0 ? ClientSource.Direct : _handler.Classify(ClientEndPoint);
        switch (source)
        {
            case ClientSource.Refused:
                CloseWith(CloseReason.UntrustedSource);
                break;
            case ClientSource.TrustedUpstream:
                SetPhase(ConnectionPhase.WaitingForHeader);
                Loop.Timers.Schedule(this, SinceAccept(Timeouts.ProxyHeader));
                break;
            default:
                AfterClientKnown();
                break;
        }
    }

    /// <summary>Resets both sides. Any thread: off the loop, the close runs on the loop soon.</summary>
    public void Abort(CloseReason reason)
    {
        TrySetCloseReason(reason);
        if (Loop.IsLoopThread)
        {
            Close(reset: true);
        }
        else
        {
            Loop.Post(static state => ((LoopProxiedConnection)state!).Close(reset: true), this);
        }
    }

    protected override void OnClientEventBeforeRelay()
    {
        if (!ClientReadable)
        {
            return; // writable only (as every socket is once registered): nothing to read, no read to waste
        }

        switch ((ConnectionPhase)_phase)
        {
            case ConnectionPhase.WaitingForHeader:
                ReadHeader();
                break;
            case ConnectionPhase.WaitingForFirstBytes:
                ReadFirstBytes();
                break;
            default:
                break; // dialling: the client's further bytes wait in the kernel until the relay starts
        }
    }

    public override void OnTimer()
    {
        switch ((ConnectionPhase)_phase)
        {
            case ConnectionPhase.WaitingForHeader:
                _handler.HeaderTimedOut(ClientEndPoint);
                CloseWith(CloseReason.ProxyHeaderTimeout);
                break;
            case ConnectionPhase.WaitingForFirstBytes when _heldEnd > _heldStart:
                RouteHeld(final: true); // too slow to show enough: routed by what came
                break;
            case ConnectionPhase.WaitingForFirstBytes:
                RouteAndDial(default); // a server-speaks-first protocol: dial without client bytes
                break;
            case ConnectionPhase.Connecting when _backend is not null:
                DropBackend();
                DialFailed(_route!.Connector.TimedOut());
                break;
            case ConnectionPhase.Established:
                CheckIdle();
                break;
            default:
                break;
        }
    }

    protected override void OnConnectResult(int errno)
    {
        Loop.Timers.Cancel(this);
        if (errno != 0)
        {
            DialFailed(ErrnoName(errno));
            return;
        }

        _route!.Connector.Connected(_backend!, _handler.Time.GetElapsedTime(_dialStarted));
        SetPhase(ConnectionPhase.Established);
        try
        {
            StartRelay(_header.Memory.Span, _held.AsSpan(_heldStart, _heldEnd - _heldStart));
        }
        finally
        {
            ReturnHeader();
            ReturnHeld();
        }

        if (!IsClosed)
        {
            CheckIdle();
        }
    }

    protected override void OnDirectionEnded() => CheckIdle(); // the other direction now runs under the half-closed timeout

    protected override void OnEnded(RelayEnd end)
    {
        TrySetCloseReason(end switch
        {
            RelayEnd.ClientReset => CloseReason.ClientReset,
            RelayEnd.BackendReset => CloseReason.BackendReset,
            _ => CloseReason.Completed,
        });
        ReturnHeader();
        ReturnHeld();
        _handler.Finish(this, _admission, _reported?.Header, _route, _backend);
    }

    // Trusted upstream: the header, read straight into a buffer that grows with what arrived (bounded by the
    // parser's cap, rule 21), re-parsed from its start after each read (rule 19).
    private void ReadHeader()
    {
        // The parser refuses a header past 16 + its cap (v1 lines stop at 107 bytes): the buffer never needs more than that and a read.
        int cap = 16 + _handler.ParserOptions.MaxV2Length + EventLoop.ReadBufferSize;
        while (true)
        {
            if (_held is null || _heldEnd == _held.Length)
            {
                Grow(Math.Min(cap, Math.Max(256, (_held?.Length ?? 0) * 2)));
            }

            int received = ReceiveFromClient(_held.AsSpan(_heldEnd));
            if (received == -1)
            {
                return;
            }

            if (received == -2)
            {
                CloseWith(CloseReason.ClientReset);
                return;
            }

            _heldEnd += Math.Max(received, 0);
            var sequence = new ReadOnlySequence<byte>(_held!, 0, _heldEnd);
            ProxyParseResult parsed = ProxyHeaderParser.Parse(sequence, _handler.ParserOptions);
            if (parsed.Status == ProxyParseStatus.Complete)
            {
                // The TLVs point into the held buffer: copy them when they are forwarded (rule 24).
                ProxyHeader header = _handler.Options.ForwardTlvs ? parsed.Header.ToOwned() : UpstreamHeaderReader.WithoutTlvs(parsed.Header);
                _reported = new ReportedHeader(_handler.HeaderAccepted(header, DirectHeader()));
                _heldStart = (int)sequence.Slice(0, parsed.Consumed).Length;
                if (_heldStart == _heldEnd)
                {
                    ReturnHeld();
                }

                AfterClientKnown();
                return;
            }

            bool ended = received == 0 || ClientFinished;
            if (parsed.Status != ProxyParseStatus.Incomplete || ended)
            {
                _handler.HeaderRefused(ClientEndPoint, parsed.Status == ProxyParseStatus.Incomplete ? ProxyParseStatus.Incomplete : parsed.Status, parsed.Error);
                CloseWith(CloseReason.InvalidProxyHeader);
                return;
            }
        }
    }

    // The client is known (directly, or from its upstream's header): wait for its first bytes, or route and dial now.
    private void AfterClientKnown()
    {
        if (_handler.Options.Connect == ConnectMode.OnAccept)
        {
            RouteAndDial(default);
            return;
        }

        bool held = _heldEnd > _heldStart; // bytes that came after the upstream's header are the first bytes
        if (held && RouteHeld(final: ClientFinished))
        {
            return;
        }

        if (!held && ClientFinished)
        {
            CloseWith(CloseReason.ClientClosedBeforeData, reset: false);
            return;
        }

        SetPhase(ConnectionPhase.WaitingForFirstBytes);
        Loop.Timers.Schedule(this, SinceAccept(Timeouts.FirstBytes));
        if (ClientReadable)
        {
            ReadFirstBytes();
        }
    }

    // Client-first: the first bytes are read and held until they leave with the header. Without inspection, one read's
    // worth at its exact size; with it, read on (each edge until EAGAIN, at most inspectBytes) until inspection can tell.
    private void ReadFirstBytes()
    {
        ListenerRouting routing = _handler.Routing;
        byte[] buffer = Loop.ReadBuffer;
        while (true)
        {
            // Past the cap nothing more is read here: the socket stays readable, and the relay reads the rest.
            int room = routing.InspectsFirstBytes ? routing.InspectBytes - (_heldEnd - _heldStart) : buffer.Length;
            if (room <= 0)
            {
                RouteHeld(final: true);
                return;
            }

            int received = ReceiveFromClient(buffer.AsSpan(0, Math.Min(buffer.Length, room)));
            switch (received)
            {
                case -1:
                    return; // the rest on the next edge, or at the first-bytes timeout
                case -2:
                    CloseWith(CloseReason.ClientReset);
                    return;
                case 0 when _heldEnd > _heldStart:
                    RouteHeld(final: true); // the client ended its side after what it sent: it sends no more
                    return;
                case 0:
                    CloseWith(CloseReason.ClientClosedBeforeData, reset: false);
                    return;
            }

            Hold(buffer.AsSpan(0, received));
            if (RouteHeld(final: ClientFinished || !routing.InspectsFirstBytes))
            {
                return;
            }
        }
    }

    // Appends to the held first bytes: the buffer grows only as bytes arrive (doubling), holding at most twice what came.
    private void Hold(ReadOnlySpan<byte> bytes)
    {
        int held = _heldEnd - _heldStart;
        if (_held is null || _heldEnd + bytes.Length > _held.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(held + bytes.Length, held * 2));
            _held?.AsSpan(_heldStart, held).CopyTo(larger);
            ReturnHeld();
            _held = larger;
            _heldEnd = held;
        }

        bytes.CopyTo(_held.AsSpan(_heldEnd));
        _heldEnd += bytes.Length;
    }

    // Routes by the held first bytes once inspection has a verdict, or when no more will come (final); false: wait for more.
    private bool RouteHeld(bool final)
    {
        if (!_handler.Routing.InspectsFirstBytes)
        {
            RouteAndDial(default);
            return true;
        }

        var held = new ReadOnlySequence<byte>(_held!, _heldStart, _heldEnd - _heldStart);
        InspectionResult firstBytes = FirstBytesInspector.Inspect(held, _handler.Routing.InspectBytes);
        if (firstBytes.Status == InspectionStatus.NeedMore && !final)
        {
            return false;
        }

        RouteAndDial(firstBytes);
        return true;
    }

    // The route, and the header it sends composed now, while the first bytes its TLVs copy from are held.
    private void RouteAndDial(in InspectionResult firstBytes)
    {
        ProxyHeader client = Describe();
        _route = _handler.Route(firstBytes, client);
        _header = _handler.WriteHeader(client, _route, firstBytes, Id);
        Dial();
    }

    private void Dial()
    {
        SetPhase(ConnectionPhase.Connecting);
        Loop.Timers.Cancel(this);
        ProxyHeader describe = Describe();
        ulong clientHash = ClientAddressHash.Of(describe.DescribesTcpConnection ? describe.SourceAddress : _peer.Address);
        BackendState? backend = _route!.Connector.TryTakeBackend(clientHash, _tried.AsSpan(0, _triedCount), out bool mayQueue);
        if (backend is null)
        {
            if (mayQueue)
            {
                _ = WaitInQueueAsync();
            }
            else
            {
                NoBackend(CloseReason.NoBackend);
            }

            return;
        }

        _backend = backend;
        if (backend.Address is not IPEndPoint address)
        {
            _ = ResolveAndDialAsync(backend);
            return;
        }

        DialAddress(SocketAddressBytes.From(address));
    }

    private void DialAddress(in SocketAddressBytes address)
    {
        _dialStarted = _handler.Time.GetTimestamp();
        if (!StartConnect(address, out int errno))
        {
            DialFailed(ErrnoName(errno));
            return;
        }

        if (_handler.KeepaliveSeconds > 0)
        {
            SetBackendKeepalive(_handler.KeepaliveSeconds);
        }

        Loop.Timers.Schedule(this, Loop.After(_route!.Connector.ConnectTimeout));
    }

    // A refused, unreachable or silent backend: another is tried (nothing was sent yet, client-first), up to the retries.
    private void DialFailed(string why)
    {
        BackendState failed = _backend!;
        _backend = null;
        _route!.Connector.ConnectFailed(ClientEndPoint, failed, why);
        _tried ??= new BackendState[_route.Connector.Retries + 1];
        _tried[_triedCount++] = failed;
        if (_triedCount > _route.Connector.Retries)
        {
            NoBackend(CloseReason.NoBackend);
            return;
        }

        Dial();
    }

    // Every healthy backend is at its limit: wait in the pool's queue (off the loop), then choose again on it.
    private async Task WaitInQueueAsync()
    {
        bool? woken = null;
        try
        {
            woken = await _route!.Connector.WaitForSlotAsync(_shutdown).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            TrySetCloseReason(CloseReason.Shutdown);
        }

        Loop.Post(static state =>
        {
            var (connection, woken) = ((LoopProxiedConnection, bool?))state!;
            if (connection.IsClosed)
            {
                return;
            }

            if (woken == true)
            {
                connection.Dial();
            }
            else
            {
                connection.NoBackend(woken is null ? CloseReason.QueueFull : CloseReason.QueueTimeout);
            }
        }, (this, woken));
    }

    // A backend named by DNS: resolved off the loop (rare: discovery usually hands the pool addresses), then dialled on it.
    private async Task ResolveAndDialAsync(BackendState backend)
    {
        IPAddress[] addresses = [];
        try
        {
            var name = (DnsEndPoint)backend.Address;
            addresses = await Dns.GetHostAddressesAsync(name.Host, _shutdown).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // No address: reported as a failed dial below.
        }

        Loop.Post(static state =>
        {
            var (connection, addresses) = ((LoopProxiedConnection, IPAddress[]))state!;
            if (connection.IsClosed)
            {
                connection._route!.Connector.Release(connection._backend!, backendReset: false, backendAnswered: false);
                connection._backend = null;
                return;
            }

            if (addresses.Length == 0)
            {
                connection.DialFailed("the name does not resolve");
                return;
            }

            connection.DialAddress(SocketAddressBytes.From(new IPEndPoint(addresses[0], ((DnsEndPoint)connection._backend!.Address).Port)));
        }, (this, addresses));
    }

    private void NoBackend(CloseReason failure)
    {
        failure = _shutdown.IsCancellationRequested ? CloseReason.Shutdown : failure;
        _handler.NoBackend(ClientEndPoint, failure);
        CloseWith(failure, reset: false); // the client gets a FIN, as from the sockets engine: nothing was sent on its behalf
    }

    // Idle and half-closed: the timer fires at the deadline it was given; traffic since then moves it on.
    private void CheckIdle()
    {
        TimeSpan sinceClient = TimeSpan.FromMilliseconds(Loop.Now - UpstreamLastActivity);
        TimeSpan sinceBackend = TimeSpan.FromMilliseconds(Loop.Now - DownstreamLastActivity);
        TimeSpan untilClient = IdleDeadline.Remaining(UpstreamEnded, DownstreamEnded, sinceClient, Timeouts.ClientIdle, Timeouts.HalfClosed);
        TimeSpan untilBackend = IdleDeadline.Remaining(DownstreamEnded, UpstreamEnded, sinceBackend, Timeouts.BackendIdle, Timeouts.HalfClosed);
        if (untilClient <= TimeSpan.Zero || untilBackend <= TimeSpan.Zero)
        {
            CloseWith(IdleDeadline.Reason(UpstreamEnded || DownstreamEnded, untilClient));
            return;
        }

        TimeSpan next = untilClient < untilBackend ? untilClient : untilBackend;
        if (next != TimeSpan.MaxValue)
        {
            Loop.Timers.Schedule(this, Loop.After(next));
        }
    }

    // The connection as the header sent to the backend describes it: the upstream's client, or the socket's.
    private ProxyHeader Describe() => _reported?.Header ?? DirectHeader();

    private ProxyHeader DirectHeader() =>
        ProxyHeader.ForTcp(_peer.Address, (ushort)_peer.Port, ProxyAddress.FromIPAddress(_listenerEndPoint.Address), (ushort)_listenerEndPoint.Port);

    private void CloseWith(CloseReason reason, bool reset = true)
    {
        TrySetCloseReason(reason);
        Close(reset);
    }

    private bool TrySetCloseReason(CloseReason reason) =>
        Interlocked.CompareExchange(ref _closeReason, (int)reason, (int)CloseReason.None) == (int)CloseReason.None;

    private void SetPhase(ConnectionPhase phase) => Volatile.Write(ref _phase, (int)phase);

    // The header and first-bytes deadlines count from the accept, not from when the step began.
    private long SinceAccept(TimeSpan timeout) => _acceptedAt + (long)Math.Ceiling(timeout.TotalMilliseconds);

    private void Grow(int size)
    {
        byte[] larger = ArrayPool<byte>.Shared.Rent(size);
        if (_held is not null)
        {
            _held.AsSpan(0, _heldEnd).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_held);
        }

        _held = larger;
    }

    private void ReturnHeader()
    {
        _header.Return();
        _header = default;
    }

    private void ReturnHeld()
    {
        if (_held is not null)
        {
            ArrayPool<byte>.Shared.Return(_held);
            _held = null;
            _heldStart = _heldEnd = 0;
        }
    }

    private static string ErrnoName(int errno) => errno switch
    {
        Errno.ECONNREFUSED => "ConnectionRefused",
        Errno.ETIMEDOUT => "TimedOut",
        Errno.EHOSTUNREACH => "HostUnreachable",
        Errno.ENETUNREACH => "NetworkUnreachable",
        Errno.ECONNRESET => "ConnectionReset",
        Errno.EMFILE or Errno.ENFILE => "TooManyOpenSockets",
        _ => $"errno {errno}",
    };

    /// <summary>A trusted upstream's header, kept (boxed) only for connections that had one.</summary>
    private sealed class ReportedHeader(ProxyHeader header)
    {
        public ProxyHeader Header { get; } = header;
    }
}
