using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using TcpLb.IntegrationTests.EndToEnd;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Routing;

/// <summary>
/// The HTTP and WebSocket proof with the real programs: a real <c>tcplb</c> routing by Host and upgrade (the
/// issue's <c>{host: www.example.com, websocket: true} → ws</c> before <c>{host: www.example.com} → web</c>) in front of
/// two Deis-style nginx routers behind <c>proxy_protocol</c> (<see cref="NginxRouter"/>; only the ws router proxies
/// <c>/ws</c> on to a WebSocket echo). A plain request reaches web, the upgrade reaches ws and its echo answers, and
/// each router saw the client (127.0.0.2) as <c>$proxy_protocol_addr</c>, as <c>$remote_addr</c> through
/// <c>real_ip_header proxy_protocol</c>, and passed it on in X-Forwarded-For.
/// </summary>
public sealed class HttpPoolsTests : IDisposable
{
    private readonly string _directory = PeerProcess.NewDirectory("http-pools");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory, BothEngines]
    public async Task Host_reaches_the_web_pool_an_upgrade_the_ws_pool_and_both_routers_see_the_client(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromMinutes(1));
        CancellationToken cancellationToken = deadline.Token;
        await using WebSocketEchoServer echo = await WebSocketEchoServer.StartAsync(cancellationToken);
        using NginxRouter ws = await NginxRouter.StartAsync(cancellationToken, webSocketUpstream: echo.EndPoint);
        using NginxRouter web = await NginxRouter.StartAsync(cancellationToken);

        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = await ConfiguredTcplb.StartAsync(_directory, $$"""
            pools:
              ws:  {backends: ["{{ws.ProxyProtocolEndPoint}}"], balance: least-connections, timeouts: {clientIdle: 1h} }
              web: {backends: ["{{web.ProxyProtocolEndPoint}}"], balance: round-robin}
            listeners:
              - listen: ["127.0.0.1:{{port}}"]
                sendProxy: v1
                routes:
                  - {match: {host: www.example.com, websocket: true}, pool: ws}
                  - {match: {host: www.example.com}, pool: web}
                defaultPool: web
            """, port, engine, cancellationToken);
        var listener = new IPEndPoint(IPAddress.Loopback, port);

        // Host: www.example.com without an upgrade: the web router answers (its app saw the client in X-Forwarded-For).
        string page = $"page-{Guid.NewGuid():N}";
        (int status, string body) = await RawHttp.GetAsync(listener, page, cancellationToken, host: "www.example.com");
        Assert.True(status == 200 && body == "xff=127.0.0.2\n", $"{status} \"{body}\"\nweb error.log:\n{web.ReadErrorLog()}\ntcplb:\n{tcplb.Output}");
        Assert.Equal([page, "127.0.0.2", "127.0.0.2"], await web.WaitForAccessLogAsync(page, cancellationToken)); // $proxy_protocol_addr, $remote_addr
        await tcplb.WaitForLineAsync(line => line.Contains("client=127.0.0.2:", StringComparison.Ordinal) && line.Contains(" pool=web ", StringComparison.Ordinal), cancellationToken);

        // The same host with Upgrade: websocket: the ws router takes it to the echo, which answers byte for byte.
        string upgrade = $"ws-{Guid.NewGuid():N}";
        using (var handler = new SocketsHttpHandler { ConnectCallback = async (_, ct) => new NetworkStream(await Net.ConnectAsync(listener, ct, from: Net.SecondLoopback), ownsSocket: true) })
        using (var invoker = new HttpMessageInvoker(handler))
        using (var webSocket = new ClientWebSocket())
        {
            await webSocket.ConnectAsync(new Uri($"ws://www.example.com:{port}/ws?t={upgrade}"), invoker, cancellationToken);
            byte[] message = Guid.NewGuid().ToByteArray();
            await webSocket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
            Assert.Equal(message, await WebSocketThroughNginxTests.ReceiveMessageAsync(webSocket, cancellationToken));
            await webSocket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken);
        }

        Assert.Equal(["127.0.0.2"], echo.ForwardedFor);
        Assert.Equal([upgrade, "127.0.0.2", "127.0.0.2"], await ws.WaitForAccessLogAsync(upgrade, cancellationToken));
        await tcplb.WaitForLineAsync(line => line.Contains("client=127.0.0.2:", StringComparison.Ordinal) && line.Contains(" pool=ws ", StringComparison.Ordinal), cancellationToken);

        // Each request reached one router only.
        Assert.DoesNotContain(web.ReadAccessLog(), line => line.StartsWith(upgrade, StringComparison.Ordinal));
        Assert.DoesNotContain(ws.ReadAccessLog(), line => line.StartsWith(page, StringComparison.Ordinal));
        Assert.Equal(0, await tcplb.StopAsync()); // every client has closed: nothing to drain
    }
}
