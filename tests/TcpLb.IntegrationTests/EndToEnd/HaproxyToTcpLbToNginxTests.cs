using System.Net;
using TcpLb.Configuration;
using TcpLb.Testing;
using TcpLb.Forwarding;
using Xunit;

namespace TcpLb.IntegrationTests.EndToEnd;

/// <summary>
/// TcpLb behind an upstream balancer (rule 24): client (127.0.0.2) → HAProxy <c>send-proxy-v2</c> (from
/// 127.0.0.1) → TcpLb trusting 127.0.0.1/32, sending v1 → nginx. nginx must log the original client, not HAProxy.
/// HAProxy's header reaches TcpLb before the client's first byte, so TcpLb reads it, then waits (client-first)
/// for the request before it dials nginx.
/// </summary>
public sealed class HaproxyToTcpLbToNginxTests
{
    [Theory, BothEngines]
    public async Task Nginx_behind_HAProxy_and_TcpLb_sees_the_original_client_not_HAProxy(Engine engine)
    {
        PeerProcess.Require("nginx");
        PeerProcess.Require("haproxy");
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using NginxRouter nginx = await NginxRouter.StartAsync(cancellationToken);
        await using TcpLbUnderTest tcplb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(nginx.ProxyProtocolEndPoint) with
        {
            AcceptProxyFrom = [IPNetwork.Parse("127.0.0.1/32")],
            SendProxy = ProxySendMode.V1,
        }, engine: engine);
        int haproxyPort = LoopbackPorts.Free();
        using PeerProcess haproxy = await Haproxy.StartAsync($"""
            listen upstream_balancer
              bind 127.0.0.1:{haproxyPort}
              server tcplb {tcplb.EndPoint} send-proxy-v2
            """, cancellationToken);
        string token = Guid.NewGuid().ToString("N");

        // The order a real upstream produces with client-first: HAProxy connects to TcpLb and sends its header at
        // once; only then does the client send its request. TcpLb must hold the header and not dial nginx yet.
        IPEndPoint? upstreamPeer = null;
        (int status, string body) = await RawHttp.GetAsync(new IPEndPoint(IPAddress.Loopback, haproxyPort), token, cancellationToken, beforeSend: () =>
            TcpLbUnderTest.WaitUntilAsync(
                () =>
                {
                    upstreamPeer = tcplb.Connections.FirstOrDefault(c => c.BytesFromClient > 0 && c.Phase < ConnectionPhase.Established)?.ClientEndPoint;
                    return upstreamPeer is not null;
                },
                "HAProxy's header reached TcpLb before the request",
                cancellationToken));

        Assert.True(status == 200, $"status {status} \"{body}\"\nTcpLb:\n{string.Join('\n', tcplb.Logs.Lines.Select(l => l.Message))}\nHAProxy:\n{haproxy.Output}");
        Assert.Equal("xff=127.0.0.2\n", body);
        string[] logged = await nginx.WaitForAccessLogAsync(token, cancellationToken);
        Assert.Equal([token, "127.0.0.2", "127.0.0.2"], logged);

        // And the hop really went through HAProxy: TcpLb's connection came from 127.0.0.1, its log names the client HAProxy reported.
        Assert.Equal(IPAddress.Loopback, upstreamPeer!.Address);
        await TcpLbUnderTest.WaitUntilAsync(() => tcplb.Logs.Lines.Any(l => l.EventId == 110), "TcpLb logged the closed connection", cancellationToken);
        string closed = tcplb.Logs.Lines.Single(l => l.EventId == 110).Message;
        Assert.StartsWith("client=127.0.0.2:", closed, StringComparison.Ordinal);
    }
}
