using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Model;
using TcpLb.ProxyProtocol;
using TcpLb.Transport;

namespace TcpLb.Forwarding;

/// <summary>
/// Carries one accepted connection through its life: who the client is (a trusted upstream's PROXY
/// header, or the socket) → the client's first bytes (client-first) → a backend → header and first
/// bytes in one write → both directions pumped, half-close aware → one close, counted and written to the access log.
/// </summary>
internal sealed class ConnectionHandler
{
    private readonly ListenerOptions _options;
    private readonly BackendConnector _connector;
    private readonly ConnectionBudget? _listenerBudget;
    private readonly ConnectionBudget _processBudget;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RefusalLog _refusals;
    private readonly ConnectionTelemetry _telemetry;
    private readonly ProxyHeaderParserOptions _parserOptions;
    private readonly ConcurrentDictionary<ProxiedConnection, byte> _active = new();

    /// <param name="listenerBudget">
    /// The listener's max-connections budget, when a reload hands over from an earlier handler with the same limit (its
    /// connections hold slots in it); null builds one from <paramref name="options"/>.
    /// </param>
    public ConnectionHandler(
        ListenerOptions options, BackendConnector connector, ConnectionBudget processBudget, TimeProvider time, ILogger logger, ConnectionTelemetry telemetry,
        ConnectionBudget? listenerBudget = null)
    {
        _telemetry = telemetry;
        _processBudget = processBudget;
        _options = options;
        _connector = connector;
        _time = time;
        _logger = logger;
        _refusals = new RefusalLog(logger, time);
        _parserOptions = new ProxyHeaderParserOptions { MaxV2Length = options.MaxProxyHeaderLength };
        _listenerBudget = listenerBudget ?? (options.MaxConnections > 0 ? new ConnectionBudget(options.MaxConnections, "listener max-connections", time, logger) : null);
    }

    /// <summary>
    /// Waits until both the process (descriptor budget) and the listener are under their connection limits.
    /// The accept loop calls it before accepting, so past a limit new clients wait in the kernel's backlog
    /// instead of being taken and dropped. Each slot taken is given back when the connection ends.
    /// </summary>
    public async Task WaitForSlotAsync(CancellationToken cancellationToken)
    {
        await _processBudget.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_listenerBudget is not null)
        {
            try
            {
                await _listenerBudget.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _processBudget.Release();
                throw;
            }
        }
    }

    /// <summary>The listener's max-connections budget, null without a limit.</summary>
    public ConnectionBudget? ListenerBudget => _listenerBudget;

    /// <summary>The listener this handler serves.</summary>
    public ListenerOptions Options => _options;

    /// <summary>Where this listener's connections get their backend (its pool and queue).</summary>
    public BackendConnector Connector => _connector;

    /// <summary>Connections currently open.</summary>
    public int ActiveCount => _active.Count;

    /// <summary>The open connections.</summary>
    public IEnumerable<ProxiedConnection> Connections => _active.Keys;

    /// <summary>Resets every open connection (the end of a drain).</summary>
    public void AbortAll()
    {
        foreach (ProxiedConnection connection in _active.Keys)
        {
            connection.Abort(CloseReason.Shutdown);
        }
    }

    public Task HandleAsync(Socket client, CancellationToken shutdown) => HandleAsync(client, this, shutdown);

    /// <summary>
    /// Serves <paramref name="client"/> with this handler's settings; the slot it holds was taken from
    /// <paramref name="slotOwner"/> (a reload may have replaced that handler while the accept was pending).
    /// </summary>
    public async Task HandleAsync(Socket client, ConnectionHandler slotOwner, CancellationToken shutdown)
    {
        try
        {
            await HandleConnectionAsync(client, shutdown).ConfigureAwait(false);
        }
        finally
        {
            slotOwner.ReleaseSlot();
        }
    }

    /// <summary>Gives back a slot taken by <see cref="WaitForSlotAsync"/> that no connection used (its socket stopped accepting).</summary>
    public void ReleaseSlot()
    {
        _listenerBudget?.Release();
        _processBudget.Release();
    }

    private async Task HandleConnectionAsync(Socket client, CancellationToken shutdown)
    {
        ProxiedConnection connection;
        try
        {
            client.NoDelay = true;
            connection = new ProxiedConnection(client, _time);
        }
        catch (SocketException)
        {
            client.Dispose(); // reset before we could even read its endpoints
            return;
        }

        _active.TryAdd(connection, 0);
        _telemetry.Accepted();
        ProxyHeader? reported = null;
        BackendState? backendState = null;
        Task<PumpEnd> clientReceive = SocketPump.ReceiveAsync(client, connection.ClientToBackend.Writer, connection.Upstream);
        try
        {
            reported = await IdentifyClientAsync(connection, shutdown).ConfigureAwait(false);
            if (reported is not { } header)
            {
                return;
            }

            if (_options.Connect == ConnectMode.OnFirstBytes && !await WaitForFirstBytesAsync(connection, shutdown).ConfigureAwait(false))
            {
                return;
            }

            // Balancing sees the client as reported (after PROXY), so source-hash follows the real client.
            ulong clientHash = header.DescribesTcpConnection ? ClientAddressHash.Of(header.SourceAddress) : ClientAddressHash.Of(connection.ClientEndPoint.Address);
            (Socket? socket, backendState, CloseReason failure) = await _connector.ConnectAsync(connection.ClientEndPoint, clientHash, shutdown).ConfigureAwait(false);
            if (socket is null)
            {
                _refusals.NoBackend(connection.ClientEndPoint, failure);
                connection.TrySetCloseReason(shutdown.IsCancellationRequested ? CloseReason.Shutdown : failure);
                return;
            }

            if (connection.AttachBackend(socket))
            {
                await PumpAsync(connection, clientReceive, WriteHeader(header)).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            ForwardingLog.Unexpected(_logger, connection.ClientEndPoint, exception);
            connection.Abort(CloseReason.ClientReset);
        }
        finally
        {
            connection.TrySetCloseReason(CloseReason.Completed);
            connection.Close();
            await clientReceive.ConfigureAwait(false);
            await connection.ClientToBackend.Reader.CompleteAsync().ConfigureAwait(false);
            if (backendState is not null)
            {
                _connector.Release(backendState, backendReset: connection.CloseReason == CloseReason.BackendReset, backendAnswered: connection.Downstream.Bytes > 0);
            }

            _telemetry.Closed(connection, reported, backendState);
            _active.TryRemove(connection, out _); // last: once a connection is no longer listed, all of it is done
        }
    }

    /// <summary>The connection the PROXY header we send will describe, or null when the connection must close.</summary>
    private async Task<ProxyHeader?> IdentifyClientAsync(ProxiedConnection connection, CancellationToken shutdown)
    {
        ProxyHeader direct = ProxyHeader.ForTcp(connection.ClientEndPoint, connection.ListenerEndPoint);
        if (_options.AcceptProxyFrom.Count == 0)
        {
            return direct; // nobody is trusted: a PROXY line from a client is just data
        }

        if (!IsTrustedUpstream(connection.ClientEndPoint.Address))
        {
            if (_options.AllowDirect)
            {
                return direct;
            }

            _refusals.UntrustedSource(connection.ClientEndPoint);
            connection.Abort(CloseReason.UntrustedSource);
            return null;
        }

        using var timeout = new CancellationTokenSource(SinceAccept(connection, _options.Timeouts.ProxyHeader), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, shutdown);
        try
        {
            var (status, header, error) = await UpstreamHeaderReader.ReadAsync(
                connection.ClientToBackend.Reader, _parserOptions, _options.ForwardTlvs, linked.Token).ConfigureAwait(false);
            if (status == ProxyParseStatus.Complete)
            {
                _telemetry.ProxyHeaderAccepted();
                // Rule 24: describe the upstream's client; LOCAL/UNKNOWN mean the upstream connection itself (rules 4, 10, 11).
                return header.DescribesTcpConnection ? header : direct;
            }

            string reason = status switch
            {
                ProxyParseStatus.NotProxy => "the connection does not start with a PROXY header (rule 20)",
                ProxyParseStatus.Incomplete => "the peer closed before the header was complete",
                _ => error.Describe(),
            };
            _refusals.InvalidProxyHeader(connection.ClientEndPoint, reason);
            _telemetry.ProxyHeaderRejected(status switch { ProxyParseStatus.NotProxy => "not_proxy", ProxyParseStatus.Incomplete => "incomplete", _ => error.ToString() });
            connection.Abort(CloseReason.InvalidProxyHeader);
            return null;
        }
        catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
        {
            _refusals.ProxyHeaderTimeout(connection.ClientEndPoint, _options.Timeouts.ProxyHeader.TotalSeconds);
            _telemetry.ProxyHeaderRejected("timeout");
            connection.Abort(CloseReason.ProxyHeaderTimeout);
            return null;
        }
    }

    // Rule 20: only the configured upstream networks may send a header. A dual-stack listener reports IPv4 peers as mapped IPv6.
    private bool IsTrustedUpstream(IPAddress peer)
    {
        peer = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        foreach (IPNetwork network in _options.AcceptProxyFrom)
        {
            if (network.Contains(peer))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Client-first: waits for the first bytes (or the timeout: dial anyway). False when the client left first.</summary>
    private async Task<bool> WaitForFirstBytesAsync(ProxiedConnection connection, CancellationToken shutdown)
    {
        using var timeout = new CancellationTokenSource(SinceAccept(connection, _options.Timeouts.FirstBytes), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, shutdown);
        try
        {
            var reader = connection.ClientToBackend.Reader;
            System.IO.Pipelines.ReadResult read = await reader.ReadAsync(linked.Token).ConfigureAwait(false);
            bool leftFirst = read.Buffer.IsEmpty && read.IsCompleted;
            reader.AdvanceTo(read.Buffer.Start); // leave the bytes for the send loop: they go out with the header
            if (leftFirst)
            {
                connection.TrySetCloseReason(CloseReason.ClientClosedBeforeData);
            }

            return !leftFirst;
        }
        catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
        {
            return true; // a server-speaks-first protocol: dial without client bytes
        }
    }

    // The header and first-bytes timeouts count from the accept, not from when this step began.
    private TimeSpan SinceAccept(ProxiedConnection connection, TimeSpan timeout)
    {
        TimeSpan left = timeout - _time.GetElapsedTime(connection.StartTimestamp);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>The header to send, in a pooled array the send loop returns once it is sent.</summary>
    private PooledPrefix WriteHeader(ProxyHeader header)
    {
        if (_options.SendProxy == ProxySendMode.Off)
        {
            return default;
        }

        ProxyVersion version = _options.SendProxy == ProxySendMode.V1 ? ProxyVersion.V1 : ProxyVersion.V2;
        bool crc = version == ProxyVersion.V2 && _options.SendProxyCrc32C;
        int length = ProxyHeaderWriter.GetLength(header, version, crc32C: crc);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        _telemetry.ProxyHeaderSent(version);
        return new PooledPrefix(buffer, ProxyHeaderWriter.Write(buffer, header, version, crc32C: crc));
    }

    private async Task PumpAsync(ProxiedConnection connection, Task<PumpEnd> clientReceive, PooledPrefix header)
    {
        Socket backend = connection.Backend!;
        using var watchdog = new ConnectionWatchdog(connection, _options.Timeouts, _time);

        // Each loop tells the watchdog how it ended as its last step, so a reset on one side resets the other
        // at once whatever order these awaits run in; the client receive loop began before the watchdog existed.
        Task<PumpEnd> backendSend = SocketPump.SendAsync(backend, connection.ClientToBackend.Reader, header, watchdog, PumpLoop.BackendSend);
        Task<PumpEnd> backendReceive = SocketPump.ReceiveAsync(backend, connection.BackendToClient.Writer, connection.Downstream, watchdog, PumpLoop.BackendReceive);
        Task<PumpEnd> clientSend = SocketPump.SendAsync(connection.Client, connection.BackendToClient.Reader, default, watchdog, PumpLoop.ClientSend);
        watchdog.LoopEnded(PumpLoop.ClientReceive, await clientReceive.ConfigureAwait(false));
        await backendSend.ConfigureAwait(false);
        await backendReceive.ConfigureAwait(false);
        await clientSend.ConfigureAwait(false);
    }
}
