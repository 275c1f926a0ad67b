using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using TcpLb.ProxyProtocol.AspNetCore.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Middleware;

/// <summary>
/// Optional: one port serves clients behind the balancer and clients that reach it directly. Rule 18 tells them
/// apart from the first byte that differs from both header prefixes; rule 19 holds back a prefix until it is decided.
/// </summary>
public sealed class OptionalModeTests
{
    [Fact]
    public async Task One_port_serves_a_plain_client_and_a_PROXY_client()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(OptionalTrustingLoopback(endpoint => { }), deadline.Token);

        using Wire plain = await Wire.ConnectAsync(app.EndPoint, deadline.Token, from: Wire.SecondLoopback);
        await plain.SendAsync(Wire.Get(), deadline.Token);
        Dictionary<string, string> plainSeen = WhoAmI.Parse(Wire.BodyOf200(await plain.ReadToEndAsync(deadline.Token)));

        using Wire proxied = await Wire.ConnectAsync(app.EndPoint, deadline.Token);
        await proxied.SendAsync(Wire.Get(prefix: Headers.V2()), deadline.Token);
        Dictionary<string, string> proxiedSeen = WhoAmI.Parse(Wire.BodyOf200(await proxied.ReadToEndAsync(deadline.Token)));

        Assert.Equal(plain.LocalEndPoint.ToString(), plainSeen["remote"]);
        Assert.Equal("none", plainSeen["header"]);
        Assert.Equal("203.0.113.7:55555", proxiedSeen["remote"]);
        Assert.Equal("v2 Proxy", proxiedSeen["header"]);
    }

    [Theory]
    [InlineData("G")]      // HTTP/1 GET: 'G' starts neither "PROXY " nor the v2 signature
    [InlineData("\u0016")] // a TLS record: the ClientHello's first byte
    [InlineData("PRI")]    // HTTP/2's preface parts from "PROXY " at its third byte
    public async Task A_plain_client_is_recognised_from_the_first_bytes_that_rule_out_a_header(string firstBytes)
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(OptionalTrustingLoopback(RawHandler), deadline.Token);

        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token);
        await wire.SendAsync(System.Text.Encoding.Latin1.GetBytes(firstBytes), deadline.Token);

        // The handler runs, and echoes those bytes, without waiting for a byte the client has not sent.
        string echoed = await wire.ReadUntilAsync("\n\n" + firstBytes, deadline.Token);
        Assert.Equal("none", WhoAmI.Parse(echoed)["header"]);
    }

    [Fact]
    public async Task A_prefix_of_PROXY_is_held_back_until_it_is_decided_then_passed_on_whole()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(OptionalTrustingLoopback(RawHandler), deadline.Token);
        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token);

        await wire.SendAsync("PROX"u8.ToArray(), deadline.Token);
        await wire.SendAsync("Y!"u8.ToArray(), deadline.Token); // "PROXY!" is not "PROXY ": not a header (rule 18)

        string echoed = await wire.ReadUntilAsync("\n\nPROXY!", deadline.Token);
        Assert.EndsWith("\n\nPROXY!", echoed, StringComparison.Ordinal); // one piece, nothing lost or doubled
    }

    [Fact]
    public async Task A_header_in_Optional_mode_is_applied_and_the_raw_handler_sees_the_bytes_after_it()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(OptionalTrustingLoopback(RawHandler), deadline.Token);
        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token);

        await wire.SendAsync(Headers.Concat(Headers.V1(), "hello"u8.ToArray()), deadline.Token);

        Dictionary<string, string> seen = WhoAmI.Parse(await wire.ReadUntilAsync("\n\nhello", deadline.Token));
        Assert.Equal("203.0.113.7:55555", seen["remote"]);
        Assert.Equal("198.51.100.10:443", seen["local"]);
    }

    private static void RawHandler(ListenOptions endpoint) => endpoint.UseConnectionHandler<WhoAmIConnectionHandler>();

    private static Action<ListenOptions> OptionalTrustingLoopback(Action<ListenOptions> then) => endpoint =>
    {
        endpoint.UseProxyProtocol(options =>
        {
            options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.0/8"));
            options.Mode = ProxyProtocolMode.Optional;
        });
        then(endpoint);
    };
}
