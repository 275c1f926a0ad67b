using System.Net;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;
using TcpLb.Hosting;
using TcpLb.Tests.Support;

namespace TcpLb.Tests.Reload;

/// <summary>A <see cref="TcpLbServer"/> in the test process with several listeners, its log lines captured, for reload tests.</summary>
internal sealed class ServerUnderReload : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;

    private ServerUnderReload(TcpLbServer server, CapturingLoggerProvider logs, ILoggerFactory loggers)
    {
        Server = server;
        Logs = logs;
        _loggers = loggers;
    }

    public TcpLbServer Server { get; }

    public CapturingLoggerProvider Logs { get; }

    public ILoggerFactory Loggers => _loggers;

    public static ServerUnderReload Start(params ListenerOptions[] listeners)
    {
        var logs = new CapturingLoggerProvider();
        ILoggerFactory loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        var server = new TcpLbServer(listeners, TimeProvider.System, loggers);
        server.Start();
        return new ServerUnderReload(server, logs, loggers);
    }

    /// <summary>A listener on <paramref name="listen"/> (port 0: any) in front of <paramref name="backends"/>; everything else default.</summary>
    public static ListenerOptions Listener(string listen, params IPEndPoint[] backends) => new()
    {
        Listen = [IPEndPoint.Parse(listen)],
        Backends = [.. backends.Select(address => new BackendOptions { Address = address })],
    };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _loggers.Dispose();
    }
}
