using System.Net;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using TcpLb.Forwarding;
using TcpLb.Hosting;

namespace TcpLb.Testing;

/// <summary>A TcpLb server running in the test process on 127.0.0.1:0, with its log lines captured.</summary>
internal sealed class TcpLbUnderTest : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;

    private TcpLbUnderTest(TcpLbServer server, CapturingLoggerProvider logs, ILoggerFactory loggers)
    {
        Server = server;
        Logs = logs;
        _loggers = loggers;
    }

    public TcpLbServer Server { get; }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>Where clients connect.</summary>
    public IPEndPoint EndPoint => Server.EndPoints[0];

    /// <summary>Starts with <paramref name="options"/>; its Listen is replaced by 127.0.0.1:0 unless given.</summary>
    public static Task<TcpLbUnderTest> StartAsync(ListenerOptions options, TimeProvider? time = null, TcpLbMetrics? metrics = null, Engine engine = Engine.Default)
    {
        if (options.Listen.Count == 0)
        {
            options = options with { Listen = [new IPEndPoint(IPAddress.Loopback, 0)] };
        }

        return StartAllAsync([options], time, metrics, engine);
    }

    /// <summary>
    /// Starts with several listeners, each on the addresses it names, on <paramref name="engine"/> (2 loops for epoll), and
    /// the named <paramref name="pools"/> their routes reach.
    /// </summary>
    public static async Task<TcpLbUnderTest> StartAllAsync(
        IReadOnlyList<ListenerOptions> listeners, TimeProvider? time = null, TcpLbMetrics? metrics = null, Engine engine = Engine.Default,
        IReadOnlyList<PoolOptions>? pools = null)
    {
        var logs = new CapturingLoggerProvider();
        ILoggerFactory loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        var server = new TcpLbServer(listeners, time ?? TimeProvider.System, loggers, metrics, new EngineOptions { Kind = engine.ToKind(), Threads = 2 }, pools);
        try
        {
            await server.StartAsync(CancellationToken.None);
        }
        catch
        {
            await server.DisposeAsync();
            loggers.Dispose();
            throw;
        }

        return new TcpLbUnderTest(server, logs, loggers);
    }

    /// <summary>The loggers the server writes to (and whose lines <see cref="Logs"/> keeps), for parts a test builds around it.</summary>
    public ILoggerFactory Loggers => _loggers;

    /// <summary>Starts one listener on 127.0.0.1:0 whose routes (or default pool) reach the named <paramref name="pools"/>.</summary>
    public static Task<TcpLbUnderTest> StartRoutedAsync(ListenerOptions listener, IReadOnlyList<PoolOptions> pools, Engine engine, TcpLbMetrics? metrics = null) =>
        StartAllAsync([listener with { Listen = [new IPEndPoint(IPAddress.Loopback, 0)] }], metrics: metrics, engine: engine, pools: pools);

    /// <summary>A named pool of the given backends; everything else at its default.</summary>
    public static PoolOptions Pool(string name, params EndPoint[] backends) =>
        new() { Name = name, Backends = [.. backends.Select(address => new BackendOptions { Address = address })] };

    /// <summary>Options for one listener with the given backends; everything else at its default.</summary>
    public static ListenerOptions Options(params EndPoint[] backends) =>
        new() { Listen = [], Backends = [.. backends.Select(address => new BackendOptions { Address = address })] };

    /// <summary>The connections open right now.</summary>
    public IReadOnlyList<IOpenConnection> Connections => Server.Connections;

    /// <summary>Waits (bounded, polling) until <paramref name="condition"/> holds; fails with <paramref name="what"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 400; attempt++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(25, cancellationToken);
        }

        throw new TimeoutException($"timed out after 10 s waiting until {what}");
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _loggers.Dispose();
    }
}
