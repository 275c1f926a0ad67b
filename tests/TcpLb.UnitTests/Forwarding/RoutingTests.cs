using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using TcpLb.Admin;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using TcpLb.Forwarding;
using TcpLb.ProxyProtocol;
using TcpLb.Testing;
using TcpLb.UnitTests.Diagnostics;
using TcpLb.UnitTests.Inspection.Support;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>
/// Routes on both engines, over loopback: each connection reaches the pool its first bytes (TLS SNI and ALPN, HTTP host
/// and upgrade) or its client choose, its bytes untouched behind the header; inspection waits for more bytes only
/// while they can still tell, never past <c>inspectBytes</c> or the first-bytes timeout; the chosen TLVs carry what
/// inspection found.
/// </summary>
public sealed partial class RoutingTests
{
    // Long enough that a test passing within its deadline (30 s) proves the route was chosen without waiting for it.
    private static readonly TimeoutOptions s_patient = new() { FirstBytes = TimeSpan.FromMinutes(10) };

    [Theory, BothEngines]
    public async Task Each_SNI_reaches_its_pool_with_its_hello_untouched_and_its_client_known(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var ws = new HeaderCapturingBackend();
        using var web = new HeaderCapturingBackend();
        ListenerOptions listener = Routed(Sni("ws.example.com", "ws"), Sni("*.example.com", "web")) with { DefaultPool = "ws", SendProxy = ProxySendMode.V2 };
        await using var lb = await StartWithPoolsAsync(listener, ws.EndPoint, web.EndPoint, engine);
        byte[] wsHello = new ClientHelloBuilder().WithServerName("ws.example.com").WithAlpn("http/1.1").Build();
        byte[] webHello = new ClientHelloBuilder().WithServerName("WWW.Example.com").Build();

        await EachReachesItsPoolAsync(lb, (wsHello, ws), (webHello, web), cancellationToken);
    }

    [Theory, BothEngines]
    public async Task A_WebSocket_upgrade_goes_to_the_websocket_pool_and_a_plain_request_for_the_host_to_the_web_pool(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var ws = new HeaderCapturingBackend();
        using var web = new HeaderCapturingBackend();
        var upgrades = new RouteOptions { Match = new RouteMatchOptions { Host = "www.example.com", WebSocket = true }, Pool = "ws" };
        ListenerOptions listener = Routed(upgrades, Host("www.example.com", "web")) with { DefaultPool = "ws", SendProxy = ProxySendMode.V1 };
        await using var lb = await StartWithPoolsAsync(listener, ws.EndPoint, web.EndPoint, engine);
        byte[] upgrade = "GET /chat HTTP/1.1\r\nHost: WWW.example.com:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"u8.ToArray();
        byte[] page = "GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n"u8.ToArray();

        await EachReachesItsPoolAsync(lb, (upgrade, ws), (page, web), cancellationToken);
    }

    [Theory, BothEngines]
    public async Task A_hello_that_arrives_in_pieces_is_inspected_again_until_its_SNI_shows(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var ws = new HeaderCapturingBackend();
        using var web = new HeaderCapturingBackend();
        ListenerOptions listener = Routed(Sni("ws.example.com", "ws")) with { SendProxy = ProxySendMode.V2 };
        await using var lb = await StartWithPoolsAsync(listener, ws.EndPoint, web.EndPoint, engine);
        byte[] hello = new ClientHelloBuilder().WithServerName("ws.example.com").Build();

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        for (int sent = 0; sent < hello.Length - 1;)
        {
            // Each piece is read by TcpLb before the next is sent: it has seen a hello that cannot tell yet, and dialled nobody.
            int piece = Math.Min(7, hello.Length - 1 - sent);
            await client.SendAsync(hello.AsMemory(sent, piece), SocketFlags.None, cancellationToken);
            sent += piece;
            await TcpLbUnderTest.WaitUntilAsync(() => lb.Connections.SingleOrDefault()?.BytesFromClient == sent, $"TcpLb read {sent} bytes", cancellationToken);
            Assert.False(ws.HasPendingConnection || web.HasPendingConnection, $"dialled after {sent} of {hello.Length} bytes");
        }

        await client.SendAsync(hello.AsMemory(hello.Length - 1), SocketFlags.None, cancellationToken);

        (_, _, byte[] payload) = await ws.CaptureAsync(hello.Length, cancellationToken);
        Assert.Equal(hello, payload);
        Assert.False(web.HasPendingConnection);
    }

    [Theory, BothEngines]
    public async Task Bytes_that_are_neither_TLS_nor_HTTP_go_to_the_default_pool_at_once(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var ws = new HeaderCapturingBackend();
        using var web = new HeaderCapturingBackend();
        ListenerOptions listener = Routed(Sni("ws.example.com", "ws"), Host("ws.example.com", "ws")) with { SendProxy = ProxySendMode.V2 };
        await using var lb = await StartWithPoolsAsync(listener, ws.EndPoint, web.EndPoint, engine);
        byte[] ssh = "SSH-2.0-OpenSSH_9.2\r\n"u8.ToArray();

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync(ssh, SocketFlags.None, cancellationToken);

        (_, _, byte[] payload) = await web.CaptureAsync(ssh.Length, cancellationToken); // within the test's 30 s: not by the 10 min timeout
        Assert.Equal(ssh, payload);
    }

    [Theory, BothEngines]
    public async Task A_client_silent_until_the_first_bytes_timeout_goes_to_the_default_pool_and_may_speak_after(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var ws = new HeaderCapturingBackend();
        using var web = new TestBackend();
        ListenerOptions listener = Routed(Sni("ws.example.com", "ws")) with { SendProxy = ProxySendMode.V1, Timeouts = new TimeoutOptions { FirstBytes = TimeSpan.FromMilliseconds(200) } };
        await using var lb = await StartWithPoolsAsync(listener, ws.EndPoint, web.EndPoint, engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        using Socket server = await web.AcceptAsync(cancellationToken); // a server-speaks-first protocol: dialled without client bytes
        string header = $"PROXY TCP4 127.0.0.1 127.0.0.1 {((IPEndPoint)client.LocalEndPoint!).Port} {lb.EndPoint.Port}\r\n";
        Assert.Equal(header, Encoding.ASCII.GetString(await Net.ReadExactlyAsync(server, header.Length, cancellationToken)));
        await client.SendAsync("hello"u8.ToArray(), SocketFlags.None, cancellationToken);
        Assert.Equal("hello"u8.ToArray(), await Net.ReadExactlyAsync(server, 5, cancellationToken));
        Assert.False(ws.HasPendingConnection);
    }

    [Theory, BothEngines]
    public async Task A_hello_longer_than_inspectBytes_goes_to_the_default_pool_untouched(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var ws = new HeaderCapturingBackend();
        using var web = new HeaderCapturingBackend();
        ListenerOptions listener = Routed(Sni("ws.example.com", "ws")) with { SendProxy = ProxySendMode.V2, InspectBytes = 64 };
        await using var lb = await StartWithPoolsAsync(listener, ws.EndPoint, web.EndPoint, engine);
        byte[] hello = new ClientHelloBuilder().WithServerName("ws.example.com").WithAlpn("h2", "http/1.1").Build();
        Assert.True(hello.Length > 64);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync(hello, SocketFlags.None, cancellationToken);

        (_, _, byte[] payload) = await web.CaptureAsync(hello.Length, cancellationToken);
        Assert.Equal(hello, payload);
        Assert.False(ws.HasPendingConnection);
    }

    [Theory, BothEngines]
    public async Task A_source_route_chooses_at_accept_without_the_first_bytes(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var ws = new HeaderCapturingBackend();
        using var web = new HeaderCapturingBackend();
        var fromSecond = new RouteOptions { Match = new RouteMatchOptions { Source = IPNetwork.Parse("127.0.0.2/32") }, Pool = "ws" };
        ListenerOptions listener = Routed(fromSecond) with { SendProxy = ProxySendMode.V2, Connect = ConnectMode.OnAccept };
        await using var lb = await StartWithPoolsAsync(listener, ws.EndPoint, web.EndPoint, engine);

        using Socket second = await Net.ConnectAsync(lb.EndPoint, cancellationToken, from: Net.SecondLoopback);
        (_, ProxyHeader secondHeader, _) = await ws.CaptureAsync(0, cancellationToken);
        using Socket first = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        (_, ProxyHeader firstHeader, _) = await web.CaptureAsync(0, cancellationToken);

        Assert.Equal(second.LocalEndPoint, secondHeader.GetSourceEndPoint());
        Assert.Equal(first.LocalEndPoint, firstHeader.GetSourceEndPoint());
    }

    [Theory, BothEngines]
    public async Task The_chosen_TLVs_carry_the_SNI_the_first_ALPN_offered_and_the_id_of_the_access_log(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var ws = new HeaderCapturingBackend();
        using var web = new HeaderCapturingBackend();
        ListenerOptions listener = Routed(Sni("ws.example.com", "ws")) with
        {
            SendProxy = ProxySendMode.V2,
            ProxyTlvs = [Tlv(ProxyTlvKind.Authority), Tlv(ProxyTlvKind.Alpn), Tlv(ProxyTlvKind.UniqueId), Tlv(ProxyTlvKind.Crc32C), new ProxyTlvOptions { Type = 0xE1, Value = "edge-1" }],
        };
        await using var lb = await StartWithPoolsAsync(listener, ws.EndPoint, web.EndPoint, engine);
        byte[] hello = new ClientHelloBuilder().WithServerName("ws.example.com").WithAlpn("h2", "http/1.1").Build();

        using (Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken))
        {
            await client.SendAsync(hello, SocketFlags.None, cancellationToken);
            (ProxyParseResult parsed, ProxyHeader header, byte[] payload) = await ws.CaptureAsync(hello.Length, cancellationToken);

            Assert.Equal(ProxyParseStatus.Complete, parsed.Status); // the codec checked the CRC32C
            Assert.Equal(hello, payload);
            Assert.Equal("ws.example.com", Text(header, ProxyTlvType.Authority));
            Assert.Equal("h2", Text(header, ProxyTlvType.Alpn));
            Assert.Equal("edge-1", Text(header, (ProxyTlvType)0xE1));
            Assert.True(header.TryGetTlv(ProxyTlvType.Crc32C, out _));
            string id = Text(header, ProxyTlvType.UniqueId);

            client.Shutdown(SocketShutdown.Both);
            await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection closed", cancellationToken);
            string line = Assert.Single(lb.Logs.Lines, line => line.EventId == 110).Message;
            Assert.Equal(id, AccessLogId().Match(line).Groups["id"].Value);
            Assert.Contains(" pool=ws ", line, StringComparison.Ordinal);
        }
    }

    [Theory, BothEngines]
    public async Task A_route_counts_its_connections_in_metrics_and_status_by_its_match(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var ws = new HeaderCapturingBackend();
        using var web = new HeaderCapturingBackend();
        using var metrics = new TcpLbMetrics();
        using var recorded = new MeasurementRecorder(metrics);
        ListenerOptions listener = Routed(Sni("ws.example.com", "ws")) with { SendProxy = ProxySendMode.V1 };
        await using var lb = await StartWithPoolsAsync(listener, ws.EndPoint, web.EndPoint, engine, metrics);
        byte[] hello = new ClientHelloBuilder().WithServerName("ws.example.com").Build();

        using Socket toWs = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await toWs.SendAsync(hello, SocketFlags.None, cancellationToken);
        await ws.CaptureAsync(hello.Length, cancellationToken);
        using Socket toWeb = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await toWeb.SendAsync("GET / HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
        await web.CaptureAsync(1, cancellationToken);

        string listenerTag = "tcplb.listener=127.0.0.1:0";
        Assert.Equal(1, recorded.Sum("tcplb.route.connections", listenerTag, "tcplb.route={sni: ws.example.com}", "tcplb.pool=ws"));
        Assert.Equal(1, recorded.Sum("tcplb.route.connections", listenerTag, "tcplb.route=default", "tcplb.pool=web"));
        StatusReport status = StatusReport.From(lb.Server);
        ListenerStatus routes = Assert.Single(status.Listeners);
        Assert.Equal(
            [new RouteStatus("{sni: ws.example.com}", "ws", 1, 1), new RouteStatus("default", "web", 1, 1)],
            routes.Routes);
        Assert.Equal("web", routes.Pool.Name);
        Assert.Equal(["ws", "web"], status.Pools.Select(pool => pool.Name));
    }

    [Theory, BothEngines]
    public async Task A_pools_idle_timeout_applies_to_the_connections_routed_to_it(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var ws = new TestBackend();
        using var web = new TestBackend();
        ListenerOptions listener = Routed(Host("ws.example.com", "ws"));
        PoolOptions quick = TcpLbUnderTest.Pool("ws", ws.EndPoint) with { Timeouts = new PoolTimeoutOptions { ClientIdle = TimeSpan.FromMilliseconds(300) } };
        await using var lb = await TcpLbUnderTest.StartRoutedAsync(listener, [quick, TcpLbUnderTest.Pool("web", web.EndPoint)], engine);

        using Socket toWeb = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await toWeb.SendAsync("GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket webServer = await web.AcceptAsync(cancellationToken);
        using Socket toWs = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await toWs.SendAsync("GET / HTTP/1.1\r\nHost: ws.example.com\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket wsServer = await ws.AcceptAsync(cancellationToken);

        // The ws pool's client idle timeout closes its connection; the web one runs under the listener's hour.
        Assert.Equal("reset", await Net.ReadEndAsync(toWs, cancellationToken));
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Connections.Count == 1, "the ws connection is accounted for", cancellationToken);
        Assert.Equal(toWeb.LocalEndPoint, lb.Connections.Single().ClientEndPoint);
        string line = Assert.Single(lb.Logs.Lines, line => line.EventId == 110).Message;
        Assert.Contains(" pool=ws ", line, StringComparison.Ordinal);
        Assert.EndsWith($"reason={CloseReasonText.Name(CloseReason.ClientIdleTimeout)}", line, StringComparison.Ordinal);
    }

    // The balancer with two named pools, ws and web, one backend each.
    private static Task<TcpLbUnderTest> StartWithPoolsAsync(ListenerOptions listener, EndPoint ws, EndPoint web, Engine engine, TcpLbMetrics? metrics = null) =>
        TcpLbUnderTest.StartRoutedAsync(listener, [TcpLbUnderTest.Pool("ws", ws), TcpLbUnderTest.Pool("web", web)], engine, metrics);

    // Two clients (from two addresses) send their first bytes at once: each reaches its own pool, untouched, and the
    // header there names that client.
    private static async Task EachReachesItsPoolAsync(
        TcpLbUnderTest lb, (byte[] FirstBytes, HeaderCapturingBackend Pool) first, (byte[] FirstBytes, HeaderCapturingBackend Pool) second, CancellationToken cancellationToken)
    {
        using Socket firstClient = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        using Socket secondClient = await Net.ConnectAsync(lb.EndPoint, cancellationToken, from: Net.SecondLoopback);
        await firstClient.SendAsync(first.FirstBytes, SocketFlags.None, cancellationToken);
        await secondClient.SendAsync(second.FirstBytes, SocketFlags.None, cancellationToken);

        (_, ProxyHeader firstHeader, byte[] firstPayload) = await first.Pool.CaptureAsync(first.FirstBytes.Length, cancellationToken);
        (_, ProxyHeader secondHeader, byte[] secondPayload) = await second.Pool.CaptureAsync(second.FirstBytes.Length, cancellationToken);
        Assert.Equal(first.FirstBytes, firstPayload);
        Assert.Equal(second.FirstBytes, secondPayload);
        Assert.Equal(firstClient.LocalEndPoint, firstHeader.GetSourceEndPoint());
        Assert.Equal(secondClient.LocalEndPoint, secondHeader.GetSourceEndPoint());
    }

    private static ListenerOptions Routed(params RouteOptions[] routes) =>
        new() { Listen = [], Backends = [], Routes = routes, DefaultPool = "web", Timeouts = s_patient };

    private static RouteOptions Sni(string name, string pool) => new() { Match = new RouteMatchOptions { Sni = name }, Pool = pool };

    private static RouteOptions Host(string name, string pool) => new() { Match = new RouteMatchOptions { Host = name }, Pool = pool };

    private static ProxyTlvOptions Tlv(ProxyTlvKind kind) => new() { Kind = kind };

    private static string Text(ProxyHeader header, ProxyTlvType type) =>
        header.TryGetTlv(type, out ProxyTlv tlv) ? Encoding.UTF8.GetString(tlv.Value.ToArray()) : throw new Xunit.Sdk.XunitException($"no TLV {type}");

    [GeneratedRegex(@" id=(?<id>\S+) ")]
    private static partial Regex AccessLogId();
}
