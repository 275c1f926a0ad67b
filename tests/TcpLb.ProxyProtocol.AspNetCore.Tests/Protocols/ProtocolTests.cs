using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using TcpLb.ProxyProtocol.AspNetCore.Tests.Support;
using TcpLb.ProxyProtocol.Tests.Interop;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Protocols;

/// <summary>
/// The header comes before everything Kestrel speaks on the connection: TLS (UseHttps after UseProxyProtocol),
/// HTTP/2 with ALPN or prior knowledge, WebSockets, and raw connection handlers. .NET's own clients, whose every
/// connection opens with a v2 header, see the reported client in each.
/// </summary>
public sealed class ProtocolTests
{
    [Fact]
    public async Task HTTP2_over_TLS_negotiated_with_ALPN_sees_the_reported_client()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        using var certificate = SelfSignedCertificate.Create("app.test");
        using X509Certificate2 serverCertificate = X509Certificate2.CreateFromPemFile(certificate.PemPath);
        await using KestrelApp app = await KestrelApp.StartAsync(
            endpoint =>
            {
                endpoint.Protocols = HttpProtocols.Http1AndHttp2;
                TrustLoopback(endpoint);
                endpoint.UseHttps(serverCertificate);
            },
            deadline.Token);
        var connections = new List<IPEndPoint>();
        using var handler = HttpClients.Handler(connections, Headers.V2(), trustedThumbprint: certificate.Thumbprint);

        Dictionary<string, string> seen = await HttpClients.GetWhoAmIAsync(handler, new Uri($"https://app.test:{app.EndPoint.Port}/"), HttpVersion.Version20, deadline.Token);

        Assert.Equal("HTTP/2", seen["protocol"]);
        Assert.Equal("True", seen["https"]);
        Assert.Equal("203.0.113.7:55555", seen["remote"]);
    }

    [Fact]
    public async Task HTTP2_with_prior_knowledge_h2c_sees_the_reported_client()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(H2cOnly, deadline.Token);
        var connections = new List<IPEndPoint>();
        using var handler = HttpClients.Handler(connections, Headers.V1());

        Dictionary<string, string> seen = await HttpClients.GetWhoAmIAsync(handler, new Uri($"http://127.0.0.1:{app.EndPoint.Port}/"), HttpVersion.Version20, deadline.Token);

        Assert.Equal("HTTP/2", seen["protocol"]);
        Assert.Equal("203.0.113.7:55555", seen["remote"]);
    }

    [Fact]
    public async Task Several_HTTP2_streams_of_one_connection_all_see_the_reported_client()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(H2cOnly, deadline.Token);
        var connections = new List<IPEndPoint>();
        using var handler = HttpClients.Handler(connections, Headers.V2());
        handler.PooledConnectionLifetime = Timeout.InfiniteTimeSpan;
        var uri = new Uri($"http://127.0.0.1:{app.EndPoint.Port}/");

        Dictionary<string, string>[] seen = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => HttpClients.GetWhoAmIAsync(handler, uri, HttpVersion.Version20, deadline.Token)));

        Assert.All(seen, one => Assert.Equal("203.0.113.7:55555", one["remote"]));
        Assert.Single(connections); // one connection, one header, eight streams
    }

    [Fact]
    public async Task A_WebSocket_sees_the_reported_client_and_echoes()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(TrustLoopback, deadline.Token);
        var connections = new List<IPEndPoint>();
        using var handler = HttpClients.Handler(connections, Headers.V2());

        Dictionary<string, string> seen = await HttpClients.WebSocketWhoAmIAsync(handler, new Uri($"ws://127.0.0.1:{app.EndPoint.Port}/ws"), deadline.Token);

        Assert.Equal("203.0.113.7:55555", seen["remote"]);
    }

    [Fact]
    public async Task A_raw_connection_handler_sees_the_reported_endpoints_and_the_bytes_after_the_header()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(
            endpoint =>
            {
                TrustLoopback(endpoint);
                endpoint.UseConnectionHandler<WhoAmIConnectionHandler>();
            },
            deadline.Token);

        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token);
        await wire.SendAsync(Headers.Concat(Headers.V2(), "raw bytes"u8.ToArray()), deadline.Token);
        Dictionary<string, string> seen = WhoAmI.Parse(await wire.ReadUntilAsync("\n\nraw bytes", deadline.Token));

        Assert.Equal("203.0.113.7:55555", seen["remote"]);
        Assert.Equal("198.51.100.10:443", seen["local"]);
        Assert.Equal("v2 Proxy", seen["header"]);
    }

    /// <summary>HTTP/2 without TLS: the client must speak it from the first byte after the header (prior knowledge).</summary>
    private static void H2cOnly(ListenOptions endpoint)
    {
        endpoint.Protocols = HttpProtocols.Http2;
        TrustLoopback(endpoint);
    }

    private static void TrustLoopback(ListenOptions endpoint) =>
        endpoint.UseProxyProtocol(options => options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.0/8")));
}
