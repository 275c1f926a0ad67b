using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TcpLb.ProxyProtocol.AspNetCore.Tests.Support;
using TcpLb.Testing;
using Xunit;
using Yarp.ReverseProxy.Configuration;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Interop;

/// <summary>
/// A YARP router with <c>UseProxyProtocol</c> on its endpoint: the destination it forwards to receives
/// <c>X-Forwarded-For</c> = the client the header reported, not the balancer.
/// </summary>
public sealed class YarpTests
{
    [Fact]
    public async Task YARP_forwards_the_reported_client_as_X_Forwarded_For()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp destination = await StartDestinationAsync(deadline.Token);
        await using KestrelApp router = await StartYarpAsync(destination.EndPoint, deadline.Token);

        using Wire wire = await Wire.ConnectAsync(router.EndPoint, deadline.Token);
        await wire.SendAsync(Wire.Get("/api", prefix: Headers.V2()), deadline.Token);
        Dictionary<string, string> received = WhoAmI.Parse(Wire.BodyOf200(await wire.ReadToEndAsync(deadline.Token)));

        Assert.Equal("203.0.113.7", received["x-forwarded-for"]);
        Assert.Equal("127.0.0.1", received["remote-ip"]); // YARP itself dialled the destination
    }

    [Fact]
    public async Task YARP_behind_HAProxy_forwards_the_client_address_HAProxy_reported()
    {
        PeerProcess.Require("haproxy");
        using CancellationTokenSource deadline = Deadline.Start(TimeSpan.FromSeconds(60));
        await using KestrelApp destination = await StartDestinationAsync(deadline.Token);
        await using KestrelApp router = await StartYarpAsync(destination.EndPoint, deadline.Token);
        int port = LoopbackPorts.Free();
        using PeerProcess haproxy = await FrontPeers.HaproxyAsync(router.EndPoint, port, "send-proxy-v2", deadline.Token);

        using Wire wire = await Wire.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), deadline.Token, from: Wire.SecondLoopback);
        await wire.SendAsync(Wire.Get("/api"), deadline.Token);
        Dictionary<string, string> received = WhoAmI.Parse(Wire.BodyOf200(await wire.ReadToEndAsync(deadline.Token)));

        Assert.Equal("127.0.0.2", received["x-forwarded-for"]);
    }

    /// <summary>The destination: plain Kestrel that answers with the X-Forwarded-For it received.</summary>
    private static Task<KestrelApp> StartDestinationAsync(CancellationToken cancellationToken) => KestrelApp.StartAsync(
        endpoint => { },
        cancellationToken,
        configureApp: app => app.Map("/{**path}", (HttpContext context) =>
            $"x-forwarded-for={context.Request.Headers["X-Forwarded-For"]}\nremote-ip={context.Connection.RemoteIpAddress}\n"));

    /// <summary>YARP routing everything to <paramref name="destination"/>, reading PROXY headers from 127.0.0.1.</summary>
    private static Task<KestrelApp> StartYarpAsync(IPEndPoint destination, CancellationToken cancellationToken) => KestrelApp.StartAsync(
        endpoint => endpoint.UseProxyProtocol(options => options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.1/32"))),
        cancellationToken,
        configureBuilder: builder => builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "destination", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig { ClusterId = "destination", Destinations = new Dictionary<string, DestinationConfig> { ["one"] = new() { Address = $"http://{destination}/" } } }]),
        configureApp: app => app.MapReverseProxy());
}
