using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Inspection;
using TcpLb.Model;
using TcpLb.ProxyProtocol;
using TcpLb.Tlvs;
using TcpLb.Transport;

namespace TcpLb.Forwarding;

/// <summary>
/// What one listener's settings (as of one configuration; a reload makes a new handler) decide for each of its
/// connections, whichever engine carries the bytes: whether the source may or must send a PROXY header, what a
/// header it sent or failed to send means, which route takes it (<see cref="Routing"/>: its pool, timers and TLVs), the header to send, and
/// what a closed connection leaves behind (backend slot, passive health, metrics, access log, admission slot,
/// registry entry). The engines run the steps; this decides them, so both engines behave alike.
/// </summary>
internal sealed class ConnectionHandler
{
    private readonly ILogger _logger;
    private readonly ConnectionTelemetry _telemetry;
    private readonly ConnectionRegistry _registry;
    private readonly RefusalLog _refusals;
    private readonly ConnectionIdGenerator _ids;

    public ConnectionHandler(
        ListenerOptions options, ListenerTag listener, ListenerRouting routing, ListenerAdmission admission, ConnectionRegistry registry,
        TimeProvider time, ILogger logger, ConnectionTelemetry telemetry, ConnectionIdGenerator ids)
    {
        Options = options;
        Listener = listener;
        Routing = routing;
        _ids = ids;
        Admission = admission;
        Time = time;
        _registry = registry;
        _logger = logger;
        _telemetry = telemetry;
        _refusals = new RefusalLog(logger, time);
        ParserOptions = new ProxyHeaderParserOptions { MaxV2Length = options.MaxProxyHeaderLength };
    }

    /// <summary>The listener's settings.</summary>
    public ListenerOptions Options { get; }

    /// <summary>The listener, as its connections are tagged in the registry.</summary>
    public ListenerTag Listener { get; }

    /// <summary>Where this listener's connections go: its routes (or its one pool) and whether their first bytes are inspected.</summary>
    public ListenerRouting Routing { get; }

    /// <summary>The slots new connections are admitted with.</summary>
    public ListenerAdmission Admission { get; }

    public TimeProvider Time { get; }

    /// <summary>How a trusted upstream's header is parsed (rule 21's cap on its length).</summary>
    public ProxyHeaderParserOptions ParserOptions { get; }

    public ILogger Logger => _logger;

    /// <summary>A new connection's id: the UNIQUE_ID TLV and the access log's <c>id</c>.</summary>
    public ConnectionId NextId() => _ids.Next();

    /// <summary>A connection was accepted and registered: it counts as open from now until <see cref="Finish"/>.</summary>
    public void Accepted(IOpenConnection connection)
    {
        _registry.Add(connection);
        _telemetry.Accepted();
    }

    /// <summary>
    /// Rule 20: what the source <paramref name="peer"/> must do first. Without trusted upstreams every client is direct
    /// (a PROXY line it sends is just data); a trusted upstream must send a header; any other source is direct only with
    /// <c>allowDirect</c>, else refused (logged here).
    /// </summary>
    public ClientSource Classify(IPEndPoint peer)
    {
        if (Options.AcceptProxyFrom.Count == 0)
        {
            return ClientSource.Direct;
        }

        if (IsTrustedUpstream(peer.Address))
        {
            return ClientSource.TrustedUpstream;
        }

        if (Options.AllowDirect)
        {
            return ClientSource.Direct;
        }

        _refusals.UntrustedSource(peer);
        return ClientSource.Refused;
    }

    /// <summary>
    /// A trusted upstream's header is complete: the header to describe downstream. Rule 24: its client; LOCAL and
    /// UNKNOWN mean the upstream connection itself (rules 4, 10, 11), described by <paramref name="direct"/>.
    /// </summary>
    public ProxyHeader HeaderAccepted(ProxyHeader parsed, ProxyHeader direct)
    {
        _telemetry.ProxyHeaderAccepted();
        return parsed.DescribesTcpConnection ? parsed : direct;
    }

    /// <summary>A trusted upstream's header was refused (invalid, not a header, or cut short): one log line and a counter.</summary>
    public void HeaderRefused(IPEndPoint peer, ProxyParseStatus status, ProxyHeaderError error)
    {
        string reason = status switch
        {
            ProxyParseStatus.NotProxy => "the connection does not start with a PROXY header (rule 20)",
            ProxyParseStatus.Incomplete => "the peer closed before the header was complete",
            _ => error.Describe(),
        };
        _refusals.InvalidProxyHeader(peer, reason);
        _telemetry.ProxyHeaderRejected(status switch { ProxyParseStatus.NotProxy => "not_proxy", ProxyParseStatus.Incomplete => "incomplete", _ => error.ToString() });
    }

    /// <summary>A trusted upstream did not send its whole header in time.</summary>
    public void HeaderTimedOut(IPEndPoint peer)
    {
        _refusals.ProxyHeaderTimeout(peer, Options.Timeouts.ProxyHeader.TotalSeconds);
        _telemetry.ProxyHeaderRejected("timeout");
    }

    /// <summary>No backend could be had for the client: one log line.</summary>
    public void NoBackend(IPEndPoint peer, CloseReason failure) => _refusals.NoBackend(peer, failure);

    /// <summary>Something unexpected ended a connection (a bug, not a peer): one log line with the exception.</summary>
    public void Unexpected(IPEndPoint peer, Exception exception) => ForwardingLog.Unexpected(_logger, peer, exception);

    /// <summary>
    /// TCP keepalive (<c>tcpKeepalive</c>) for the client's socket at accept and the backend's at dial: the kernel probes a
    /// peer silent this many seconds, so one that vanished is found before the idle timeouts; interval and count stay the
    /// kernel's. 0: off.
    /// </summary>
    public int KeepaliveSeconds => (int)Options.TcpKeepalive.TotalSeconds;

    /// <summary>Balancing sees the client as reported (after PROXY), so source-hash follows the real client.</summary>
    public static ulong ClientHash(in ProxyHeader reported, IPAddress peer) =>
        reported.DescribesTcpConnection ? ClientAddressHash.Of(reported.SourceAddress) : ClientAddressHash.Of(peer);

    /// <summary>
    /// Chooses the route of a connection whose client is <paramref name="reported"/> from what its first bytes showed
    /// (nothing, when they were not inspected or not found): the first route that matches, else the default. Counted once.
    /// </summary>
    public RouteTarget Route(in InspectionResult firstBytes, in ProxyHeader reported)
    {
        RouteTarget target = Routing.Select(firstBytes, reported.SourceAddress);
        target.Tag.Opened();
        _telemetry.Routed(target);
        return target;
    }

    /// <summary>
    /// The header to send to the backend, in a pooled array the sender returns once it is sent; empty when none is sent.
    /// With TLVs of its own (<c>proxyTlvs</c>), the route's choice is composed from <paramref name="firstBytes"/> (AUTHORITY,
    /// ALPN: views of bytes still held, copied now) and <paramref name="id"/> (UNIQUE_ID).
    /// </summary>
    public PooledPrefix WriteHeader(in ProxyHeader header, RouteTarget target, in InspectionResult firstBytes, ConnectionId id)
    {
        if (Options.SendProxy == ProxySendMode.Off)
        {
            return default;
        }

        if (Options.SendProxy == ProxySendMode.V2 && target.Tlvs.AddsOwnTlvs)
        {
            // The composer writes the TLVs into the buffer's tail, then the header in front: room for both, and the addresses and checksum.
            int tlvLength = ProxyTlvComposer.GetTlvLength(target.Tlvs, header, firstBytes, id);
            byte[] composed = ArrayPool<byte>.Shared.Rent(ProxyTlvComposer.MaxAddressPartLength + ProxyTlvComposer.Crc32CTlvLength + (2 * tlvLength));
            _telemetry.ProxyHeaderSent(ProxyVersion.V2);
            return new PooledPrefix(composed, ProxyTlvComposer.WriteHeader(composed, target.Tlvs, header, firstBytes, id));
        }

        ProxyVersion version = Options.SendProxy == ProxySendMode.V1 ? ProxyVersion.V1 : ProxyVersion.V2;
        bool crc = version == ProxyVersion.V2 && Options.SendProxyCrc32C;
        // A v1 line is never longer than its maximum, and sizing it exactly would format both addresses twice (they
        // are most of the header's cost on a short connection); a v2 header's length is arithmetic.
        int length = version == ProxyVersion.V1 ? ProxyHeaderWriter.MaxV1Length : ProxyHeaderWriter.GetLength(header, version, crc32C: crc);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        _telemetry.ProxyHeaderSent(version);
        return new PooledPrefix(buffer, ProxyHeaderWriter.Write(buffer, header, version, crc32C: crc));
    }

    /// <summary>
    /// The connection has closed: its backend slot goes back to the pool of its <paramref name="route"/> (passive health hears how the backend did), metrics and
    /// the access log count it, its admission slot goes back, and last it leaves the registry (once a connection is
    /// no longer listed, all of it is done).
    /// </summary>
    public void Finish(IOpenConnection connection, ListenerAdmission admission, ProxyHeader? reported, RouteTarget? route, BackendState? backend)
    {
        if (backend is not null)
        {
            // A reset after the client's FIN was passed on is how a router drops a request the client gave up on (nginx
            // resets what it had not finished reading): the client's doing, not a failing backend.
            bool backendFailed = connection.CloseReason == CloseReason.BackendReset && !connection.ClientDirectionEnded;
            route!.Connector.Release(backend, backendReset: backendFailed, backendAnswered: connection.BytesFromBackend > 0);
        }

        route?.Tag.Closed();
        _telemetry.Closed(connection, reported, route, backend);
        admission.Release();
        _registry.Remove(connection);
    }

    // Rule 20: only the configured upstream networks may send a header. A dual-stack listener reports IPv4 peers as mapped IPv6.
    private bool IsTrustedUpstream(IPAddress peer)
    {
        peer = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        foreach (IPNetwork network in Options.AcceptProxyFrom)
        {
            if (network.Contains(peer))
            {
                return true;
            }
        }

        return false;
    }
}
