using System.Net;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using TcpLb.ProxyProtocol.AspNetCore.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Middleware;

/// <summary>
/// After a trusted source's header, the application sees the client it reported (203.0.113.7, an address no socket
/// here has), through <c>HttpContext.Connection</c> (Kestrel's IHttpConnectionFeature) and the connection's endpoints.
/// </summary>
public sealed class ReportedAddressTests
{
    private static void TrustLoopback(ListenOptions endpoint) =>
        endpoint.UseProxyProtocol(options => options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.0/8")));

    [Fact]
    public async Task A_v1_header_makes_the_reported_client_the_remote_address_and_its_destination_the_local_one()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(TrustLoopback, deadline.Token);

        Dictionary<string, string> seen = await GetAsync(app, Headers.V1(), deadline.Token);

        Assert.Equal("203.0.113.7:55555", seen["remote"]);
        Assert.Equal("198.51.100.10:443", seen["local"]);
        Assert.Equal("v1 Proxy", seen["header"]);
        Assert.Equal($"127.0.0.1:{seen["proxy"].Split(':')[1]}", seen["proxy"]); // the balancer, kept in the feature
    }

    [Fact]
    public async Task A_v2_header_over_IPv6_makes_the_reported_client_the_remote_address()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(TrustLoopback, deadline.Token);
        var client = new IPEndPoint(IPAddress.Parse("2001:db8::7"), 40000);
        var destination = new IPEndPoint(IPAddress.Parse("2001:db8::1"), 8443);

        Dictionary<string, string> seen = await GetAsync(app, Headers.V2(client, destination), deadline.Token);

        Assert.Equal("2001:db8::7:40000", seen["remote"]);
        Assert.Equal("2001:db8::1:8443", seen["local"]);
        Assert.Equal("v2 Proxy", seen["header"]);
    }

    [Theory]
    [InlineData("v2 LOCAL")]
    [InlineData("v1 UNKNOWN")]
    public async Task LOCAL_and_UNKNOWN_keep_the_real_endpoints_and_still_expose_the_header(string kind)
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(TrustLoopback, deadline.Token);
        byte[] header = kind == "v2 LOCAL" ? Headers.V2Local() : Headers.V1Unknown();

        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token, from: Wire.SecondLoopback);
        await wire.SendAsync(Wire.Get(prefix: header), deadline.Token);
        Dictionary<string, string> seen = WhoAmI.Parse(Wire.BodyOf200(await wire.ReadToEndAsync(deadline.Token)));

        Assert.Equal(wire.LocalEndPoint.ToString(), seen["remote"]); // rules 4 and 10: the real peer
        Assert.Equal(app.EndPoint.ToString(), seen["local"]);
        Assert.Equal(kind == "v2 LOCAL" ? "v2 Local" : "v1 Proxy", seen["header"]);
    }

    [Fact]
    public async Task The_bytes_after_the_header_reach_the_application_intact_even_in_the_same_segment()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(TrustLoopback, deadline.Token);
        string body = new('x', 100_000);
        byte[] request = Headers.Concat(
            Headers.V2(),
            Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));

        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token);
        await wire.SendAsync(request, deadline.Token);

        Assert.Equal("203.0.113.7:55555", WhoAmI.Parse(Wire.BodyOf200(await wire.ReadToEndAsync(deadline.Token)))["remote"]);
    }

    [Fact]
    public async Task A_header_sent_one_byte_at_a_time_is_waited_for_and_then_applied()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(TrustLoopback, deadline.Token);
        byte[] header = Headers.V2(tlvs: [new ProxyTlv(ProxyTlvType.Authority, "app.test"u8.ToArray())], crc32C: true);

        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token);
        foreach (byte b in header)
        {
            await wire.SendAsync([b], deadline.Token); // rule 19: a read may end anywhere, even inside the signature
        }

        await wire.SendAsync(Wire.Get(), deadline.Token);
        Dictionary<string, string> seen = WhoAmI.Parse(Wire.BodyOf200(await wire.ReadToEndAsync(deadline.Token)));

        Assert.Equal("203.0.113.7:55555", seen["remote"]);
        Assert.Equal("app.test", seen["authority"]);
        Assert.Equal("True", seen["crc32c"]);
    }

    [Fact]
    public async Task Every_request_of_a_keep_alive_connection_sees_the_reported_client()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(TrustLoopback, deadline.Token);
        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token);

        byte[] keepAlive = "GET / HTTP/1.1\r\nHost: app.test\r\n\r\n"u8.ToArray();
        await wire.SendAsync(Headers.Concat(Headers.V1(), keepAlive, keepAlive, Wire.Get()), deadline.Token);
        string replies = await wire.ReadToEndAsync(deadline.Token) ?? "(reset)";

        Assert.Equal(3, replies.Split("remote=203.0.113.7:55555").Length - 1);
    }

    private static async Task<Dictionary<string, string>> GetAsync(KestrelApp app, byte[] header, CancellationToken cancellationToken)
    {
        using Wire wire = await Wire.ConnectAsync(app.EndPoint, cancellationToken);
        await wire.SendAsync(Wire.Get(prefix: header), cancellationToken);
        return WhoAmI.Parse(Wire.BodyOf200(await wire.ReadToEndAsync(cancellationToken)));
    }
}
