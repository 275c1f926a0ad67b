using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TcpLb.IntegrationTests.EndToEnd;

/// <summary>
/// A Kestrel app in the test process standing where a Deis app would: <c>/ws</c> accepts a WebSocket,
/// records the <c>X-Forwarded-For</c> of the upgrade request, and echoes every frame back as it came.
/// </summary>
internal sealed class WebSocketEchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _forwardedFor;

    private WebSocketEchoServer(WebApplication app, ConcurrentQueue<string> forwardedFor, IPEndPoint endPoint)
    {
        _app = app;
        _forwardedFor = forwardedFor;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The X-Forwarded-For of each upgrade request, in arrival order.</summary>
    public IReadOnlyList<string> ForwardedFor => [.. _forwardedFor];

    public static async Task<WebSocketEchoServer> StartAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var forwardedFor = new ConcurrentQueue<string>();
        app.UseWebSockets();
        app.Map("/ws", (Func<HttpContext, Task>)(context => EchoAsync(context, forwardedFor)));
        try
        {
            await app.StartAsync(cancellationToken);
            string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            var uri = new Uri(address);
            return new WebSocketEchoServer(app, forwardedFor, new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private static async Task EchoAsync(HttpContext context, ConcurrentQueue<string> forwardedFor)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        forwardedFor.Enqueue(context.Request.Headers["X-Forwarded-For"].ToString());
        CancellationToken aborted = context.RequestAborted;
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            ValueWebSocketReceiveResult received = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, aborted);
        }
    }
}
