using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TcpLb.ProxyProtocol.AspNetCore;

namespace TcpLb.Demo;

/// <summary>
/// The demo's stand-in for a Deis router: a Kestrel app behind <c>UseProxyProtocol</c> (the
/// TcpLb.ProxyProtocol.AspNetCore package), which shows the client the header named and echoes WebSocket
/// messages at <c>/ws</c>.
/// </summary>
internal static class DemoRouter
{
    /// <summary>Starts on <paramref name="listen"/> (port 0 picks one); the bound address is in the result.</summary>
    /// <param name="listen">A loopback address: the router trusts headers from loopback only, where TcpLb dials from.</param>
    /// <param name="logLevel">The console's level.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <param name="logs">Also log here (tests read what an operator would).</param>
    public static async Task<(WebApplication App, IPEndPoint EndPoint)> StartAsync(IPEndPoint listen, LogLevel logLevel, CancellationToken cancellationToken, ILoggerProvider? logs = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        // TcpLb always sends a header (Required): a connection from loopback without one is refused.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen, endpoint => endpoint.UseProxyProtocol(options =>
        {
            options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.0/8"));
            options.TrustedNetworks.Add(IPNetwork.Parse("::1/128"));
        })));

        WebApplication app = builder.Build();
        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(DemoLog.Category);
        app.UseWebSockets();
        app.Map("/ws", context => EchoAsync(context, logger));
        app.Map("/", ShowClientAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        string bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var uri = new Uri(bound);
        return (app, new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port));
    }

    /// <summary>The sentence the page shows; tests look for it.</summary>
    public static string Describe(ConnectionInfo connection) =>
        $"you are {connection.RemoteIpAddress}:{connection.RemotePort}, as seen by the router through TcpLb";

    private static Task ShowClientAsync(HttpContext context)
    {
        string sentence = Describe(context.Connection);
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(DemoPage.Render(sentence), context.RequestAborted);
    }

    private static async Task EchoAsync(HttpContext context, ILogger logger)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("this is a WebSocket echo: connect with ws://\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult received = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted).ConfigureAwait(false);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (ClientLeft(exception, context))
        {
            DemoLog.WebSocketClientLeft(logger, context.Connection.RemoteIpAddress);
        }
    }

    /// <summary>The client went away without the closing handshake (tab closed, process killed, connection reset).</summary>
    private static bool ClientLeft(Exception exception, HttpContext context) => exception switch
    {
        WebSocketException socketError => socketError.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely || context.RequestAborted.IsCancellationRequested,
        OperationCanceledException => context.RequestAborted.IsCancellationRequested,
        _ => false,
    };
}
