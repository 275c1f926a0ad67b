using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using TcpLb.ProxyProtocol.AspNetCore.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Middleware;

/// <summary>
/// Rule 20: only sources in <c>TrustedNetworks</c> are read. Anyone else is a plain client whose bytes, a PROXY
/// line included, are data for the application, in either mode: a client cannot spoof its address.
/// </summary>
public sealed class TrustTests
{
    [Theory]
    [InlineData(ProxyProtocolMode.Required)]
    [InlineData(ProxyProtocolMode.Optional)]
    public async Task An_untrusted_source_is_served_as_itself_without_a_header(ProxyProtocolMode mode)
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(TrustOnly("127.0.0.2/32", mode), deadline.Token);

        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token); // from 127.0.0.1
        await wire.SendAsync(Wire.Get(), deadline.Token);
        Dictionary<string, string> seen = WhoAmI.Parse(Wire.BodyOf200(await wire.ReadToEndAsync(deadline.Token)));

        Assert.Equal(wire.LocalEndPoint.ToString(), seen["remote"]);
        Assert.Equal("none", seen["header"]);
    }

    [Theory]
    [InlineData(ProxyProtocolMode.Required)]
    [InlineData(ProxyProtocolMode.Optional)]
    public async Task A_PROXY_header_from_an_untrusted_source_is_data_for_the_application_not_an_address(ProxyProtocolMode mode)
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(TrustOnly("127.0.0.2/32", mode), deadline.Token);

        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token);
        await wire.SendAsync(Wire.Get(prefix: Headers.V1()), deadline.Token);
        string? response = await wire.ReadToEndAsync(deadline.Token);

        // Kestrel got "PROXY TCP4 ..." as its request line and refused it: the spoofed address went nowhere.
        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.7", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_inside_a_trusted_network_is_read()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(TrustOnly("127.0.0.2/32", ProxyProtocolMode.Required), deadline.Token);

        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token, from: Wire.SecondLoopback);
        await wire.SendAsync(Wire.Get(prefix: Headers.V1()), deadline.Token);

        Assert.Equal("203.0.113.7:55555", WhoAmI.Parse(Wire.BodyOf200(await wire.ReadToEndAsync(deadline.Token)))["remote"]);
    }

    [Fact]
    public async Task No_trusted_network_trusts_nobody_and_says_so_once_at_start()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(endpoint => endpoint.UseProxyProtocol(_ => { }), deadline.Token);

        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token);
        await wire.SendAsync(Wire.Get(prefix: Headers.V1()), deadline.Token);

        Assert.StartsWith("HTTP/1.1 400", await wire.ReadToEndAsync(deadline.Token), StringComparison.Ordinal);
        var warning = Assert.Single(app.ProxyProtocolLogs);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("NoTrustedNetworks", warning.Id.Name);
    }

    [Fact]
    public async Task An_IPv4_client_of_a_dual_mode_listener_matches_its_IPv4_network()
    {
        if (!System.Net.Sockets.Socket.OSSupportsIPv6)
        {
            Assert.Skip("IPv6 is not available: a dual-mode [::] listener cannot be made here.");
        }

        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(
            TrustOnly("127.0.0.0/8", ProxyProtocolMode.Required),
            deadline.Token,
            builder => builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(0, TrustOnly("127.0.0.0/8", ProxyProtocolMode.Required))));
        int dualModePort = app.BoundPorts.Single(port => port != app.EndPoint.Port);

        // The socket reports this client as ::ffff:127.0.0.1: it must still count as inside 127.0.0.0/8.
        using Wire wire = await Wire.ConnectAsync(new IPEndPoint(IPAddress.Loopback, dualModePort), deadline.Token);
        await wire.SendAsync(Wire.Get(prefix: Headers.V1()), deadline.Token);

        Assert.Equal("203.0.113.7:55555", WhoAmI.Parse(Wire.BodyOf200(await wire.ReadToEndAsync(deadline.Token)))["remote"]);
    }

    private static Action<ListenOptions> TrustOnly(string network, ProxyProtocolMode mode) => endpoint => endpoint.UseProxyProtocol(options =>
    {
        options.TrustedNetworks.Add(IPNetwork.Parse(network));
        options.Mode = mode;
    });
}
