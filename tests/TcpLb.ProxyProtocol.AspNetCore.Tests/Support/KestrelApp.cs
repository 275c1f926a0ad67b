using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Support;

/// <summary>
/// A real Kestrel app on 127.0.0.1, port 0, with one endpoint the test configures (where it calls
/// <c>UseProxyProtocol</c>). It serves <see cref="WhoAmI"/> at <c>/</c>, and at <c>/ws</c> a WebSocket that sends
/// it first, then echoes. Logs go to a <see cref="FakeLogCollector"/>; counters are read with <see cref="Counter"/>.
/// </summary>
internal sealed class KestrelApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelApp(WebApplication app, IPEndPoint endPoint, IReadOnlyList<int> boundPorts)
    {
        _app = app;
        EndPoint = endPoint;
        BoundPorts = boundPorts;
    }

    /// <summary>The endpoint the test configured (the first one bound).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The ports of every endpoint, when <c>configureBuilder</c> added more.</summary>
    public IReadOnlyList<int> BoundPorts { get; }

    public IServiceProvider Services => _app.Services;

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    /// <summary>The package's log lines (its category only), as written so far.</summary>
    public IReadOnlyList<FakeLogRecord> ProxyProtocolLogs =>
        Logs.GetSnapshot().Where(record => record.Category == "TcpLb.ProxyProtocol.AspNetCore").ToList();

    public static async Task<KestrelApp> StartAsync(Action<ListenOptions> configureEndpoint, CancellationToken cancellationToken, Action<WebApplicationBuilder>? configureBuilder = null, Action<WebApplication>? configureApp = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFakeLogging();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, configureEndpoint));
        configureBuilder?.Invoke(builder);

        WebApplication app = builder.Build();
        if (configureApp is null)
        {
            app.UseWebSockets();
            app.Map("/ws", WhoAmIThenEchoAsync);
            app.Map("/{**path}", ServeWhoAmIAsync);
        }
        else
        {
            configureApp(app);
        }

        await app.StartAsync(cancellationToken);
        Uri[] bound = [.. app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Select(address => new Uri(address))];
        Uri first = bound.First(uri => uri.Host == "127.0.0.1");
        return new KestrelApp(app, new IPEndPoint(IPAddress.Loopback, first.Port), [.. bound.Select(uri => uri.Port)]);
    }

    /// <summary>Records the package's counter <paramref name="instrument"/> from now on.</summary>
    public MetricCollector<long> Counter(string instrument) =>
        new(_app.Services.GetRequiredService<IMeterFactory>(), "TcpLb.ProxyProtocol.AspNetCore", instrument);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private static Task ServeWhoAmIAsync(HttpContext context)
    {
        byte[] body = Encoding.UTF8.GetBytes(WhoAmI.Describe(context));
        context.Response.ContentType = "text/plain";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static async Task WhoAmIThenEchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        string whoAmI = WhoAmI.Describe(context);
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        await socket.SendAsync(Encoding.UTF8.GetBytes(whoAmI), WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
        byte[] buffer = new byte[16 * 1024];
        while (true)
        {
            WebSocketReceiveResult received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
        }
    }
}
