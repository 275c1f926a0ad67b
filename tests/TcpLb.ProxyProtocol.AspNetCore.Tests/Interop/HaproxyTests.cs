using TcpLb.ProxyProtocol.AspNetCore.Tests.Support;
using TcpLb.ProxyProtocol.Tests.Interop;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Interop;

/// <summary>A real HAProxy 2.6 in TCP mode in front of Kestrel: the app sees the client, whichever header HAProxy sends.</summary>
public sealed class HaproxyTests
{
    public static TheoryData<string, AppProtocol> Scenarios()
    {
        var data = new TheoryData<string, AppProtocol>();
        foreach (string options in new[] { "send-proxy", "send-proxy-v2", "send-proxy-v2 proxy-v2-options authority,unique-id,crc32c,ssl" })
        {
            foreach (AppProtocol protocol in Enum.GetValues<AppProtocol>())
            {
                data.Add(options, protocol);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_app_sees_the_client_HAProxy_reports(string serverOptions, AppProtocol protocol)
    {
        PeerProcess.Require("haproxy");
        (Dictionary<string, string> seen, System.Net.IPEndPoint client) = await BehindPeer.RequestAsync(
            protocol,
            (app, port, cancellationToken) => FrontPeers.HaproxyAsync(app, port, serverOptions, cancellationToken));

        Assert.Equal(client.ToString(), seen["remote"]);
        Assert.Equal(serverOptions == "send-proxy" ? "v1 Proxy" : "v2 Proxy", seen["header"]);
        if (serverOptions.Contains("crc32c", StringComparison.Ordinal))
        {
            Assert.Equal("True", seen["crc32c"]); // present, and verified: the connection was served
            Assert.Contains("7F000002", seen["unique-id"], StringComparison.Ordinal); // %ci of 127.0.0.2
            Assert.Equal("None", seen["ssl"]); // the client did not use TLS with HAProxy (TLS, if any, is passed through)
        }
    }

    [Fact]
    public async Task In_Optional_mode_one_port_serves_clients_through_HAProxy_and_clients_from_the_same_host_directly()
    {
        PeerProcess.Require("haproxy");
        using CancellationTokenSource deadline = Deadline.Start(TimeSpan.FromSeconds(60));
        await using KestrelApp app = await KestrelApp.StartAsync(
            endpoint => endpoint.UseProxyProtocol(options =>
            {
                options.TrustedNetworks.Add(System.Net.IPNetwork.Parse("127.0.0.1/32")); // HAProxy's host, where direct clients come from too
                options.Mode = ProxyProtocolMode.Optional;
            }),
            deadline.Token);
        int port = LoopbackPorts.Free();
        using PeerProcess haproxy = await FrontPeers.HaproxyAsync(app.EndPoint, port, "send-proxy-v2", deadline.Token);

        using Wire throughHaproxy = await Wire.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), deadline.Token, from: Wire.SecondLoopback);
        await throughHaproxy.SendAsync(Wire.Get(), deadline.Token);
        Dictionary<string, string> proxied = WhoAmI.Parse(Wire.BodyOf200(await throughHaproxy.ReadToEndAsync(deadline.Token)));
        using Wire direct = await Wire.ConnectAsync(app.EndPoint, deadline.Token);
        await direct.SendAsync(Wire.Get(), deadline.Token);
        Dictionary<string, string> plain = WhoAmI.Parse(Wire.BodyOf200(await direct.ReadToEndAsync(deadline.Token)));

        Assert.Equal(throughHaproxy.LocalEndPoint.ToString(), proxied["remote"]);
        Assert.Equal("v2 Proxy", proxied["header"]);
        Assert.Equal(direct.LocalEndPoint.ToString(), plain["remote"]);
        Assert.Equal("none", plain["header"]);
    }

    [Fact]
    public async Task Behind_HAProxy_terminating_TLS_the_app_reads_SNI_and_TLS_version_from_the_v2_TLVs()
    {
        PeerProcess.Require("haproxy");
        using CancellationTokenSource deadline = Deadline.Start(TimeSpan.FromSeconds(60));
        await using KestrelApp app = await KestrelApp.StartAsync(
            endpoint => endpoint.UseProxyProtocol(options => options.TrustedNetworks.Add(System.Net.IPNetwork.Parse("127.0.0.1/32"))),
            deadline.Token);
        using var certificate = SelfSignedCertificate.Create("app.test");
        int port = LoopbackPorts.Free();
        using PeerProcess haproxy = await FrontPeers.HaproxyAsync(
            app.EndPoint, port, "send-proxy-v2 proxy-v2-options authority,unique-id,crc32c,ssl", deadline.Token, bindOptions: $" ssl crt {certificate.PemPath}");
        var connections = new List<System.Net.IPEndPoint>();
        using var handler = HttpClients.Handler(connections, from: Wire.SecondLoopback, trustedThumbprint: certificate.Thumbprint);

        Dictionary<string, string> seen = await HttpClients.GetWhoAmIAsync(handler, new Uri($"https://app.test:{port}/"), System.Net.HttpVersion.Version11, deadline.Token);

        Assert.Equal(Assert.Single(connections).ToString(), seen["remote"]);
        Assert.Equal("app.test", seen["authority"]);
        Assert.Equal("Ssl", seen["ssl"]);
        Assert.StartsWith("TLSv1.", seen["ssl-version"], StringComparison.Ordinal);
        Assert.Equal("False", seen["https"]); // Kestrel itself spoke plain HTTP: HAProxy ended the TLS
    }
}
