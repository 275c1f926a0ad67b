using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using TcpLb.Admin;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using TcpLb.Discovery;
using TcpLb.Health;

namespace TcpLb.Hosting;

/// <summary>Builds the process host: console logs (plain or JSON), signal handling, the admin endpoint, the server as a hosted service.</summary>
internal static class TcpLbHost
{
    /// <summary>How often the access log's gathered lines are written: often enough to tail, rarely enough to cost nothing.</summary>
    private static readonly TimeSpan s_accessLogFlushInterval = TimeSpan.FromMilliseconds(200);

    /// <param name="options">What to run.</param>
    /// <param name="extra">More services (tests).</param>
    /// <param name="reloadFrom">The config file the options came from, reloaded on SIGHUP and on change; null for flags.</param>
    /// <param name="adminOptional">When the admin address is taken, warn and run on (the demo) instead of failing the start.</param>
    public static IHost Build(TcpLbOptions options, Action<IServiceCollection>? extra = null, string? reloadFrom = null, bool adminOptional = false)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        ConfigureLogging(builder.Logging, options.Logging);
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(5));
        builder.Services.AddSystemd(); // only under systemd: READY=1 after every hosted service started (listeners bound)
        if (options.Logging.Format == LogFormat.Json)
        {
            // Under systemd, AddSystemd makes journald's line format the console's; JSON asked for explicitly wins over it.
            builder.Services.Configure<ConsoleLoggerOptions>(console => console.FormatterName = ConsoleFormatterNames.Json);
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new ReloadSignal(services.GetRequiredService<ILoggerFactory>().CreateLogger<ReloadSignal>(), reloadable: reloadFrom is not null));
        builder.Services.AddSingleton(services => new TcpLbServer(
            options.Listeners, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>(), engine: options.Engine, pools: options.Pools));
        if (options.Admin.Enabled)
        {
            // Registered first: started before the listeners, stopped after them (see AdminHostedService).
            builder.Services.AddHostedService(services => new AdminHostedService(
                options.Admin, services.GetRequiredService<TcpLbServer>(), services.GetRequiredService<ILoggerFactory>(), adminOptional));
        }

        if (DescriptorBudget.ReadDescriptorLimit() is { } descriptorLimit && descriptorLimit < int.MaxValue)
        {
            // The connection budget follows the descriptors really left (the admin endpoint and late assemblies take some);
            // started before the listeners, so their first connections are already within it.
            builder.Services.AddHostedService(services => new DescriptorWatch(services.GetRequiredService<TcpLbServer>().ProcessBudget, descriptorLimit,
                services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>().CreateLogger("TcpLb")));
        }

        builder.Services.AddHostedService(services => new TcpLbHostedService(services.GetRequiredService<TcpLbServer>(), options.DrainTimeout));
        // Memory back to the system once a load has passed (no collection comes by itself when nothing allocates).
        builder.Services.AddHostedService(services => new MemoryTrim(() => services.GetRequiredService<TcpLbServer>().ActiveConnections,
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>().CreateLogger("TcpLb")));
        // Backends written as host names: resolved at start and every 10 s, so one that does not resolve shows in /ready and /status.
        builder.Services.AddHostedService(services => new NameResolutionCheck(() => services.GetRequiredService<TcpLbServer>().Pools, new SystemHostResolver(),
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>().CreateLogger("TcpLb")));
        if (reloadFrom is not null)
        {
            builder.Services.AddHostedService(services => new ConfigReloader(reloadFrom, options, services.GetRequiredService<TcpLbServer>(),
                services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<ConfigReloader>>(), sighup: services.GetRequiredService<ReloadSignal>()));
        }

        extra?.Invoke(builder.Services);
        IHost host = builder.Build();
        _ = host.Services.GetRequiredService<ReloadSignal>(); // SIGHUP is held from here on, before anything starts
        return host;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LoggingOptions options)
    {
        logging.SetMinimumLevel(options.Level);
        logging.AddFilter("Microsoft", LogLevel.Warning); // Kestrel (admin endpoint) and hosting chatter
        // A failed start (a taken port) is told in one line by `tcplb run`; the host's own stack-trace dump of it is noise.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        if (options.AccessLog)
        {
            // The access log has a writer of its own that batches its lines (BatchedLineWriter says why); the console skips it.
            logging.AddFilter<ConsoleLoggerProvider>(AccessLog.Category, LogLevel.None);
            // Made by a factory so that the container disposes it when the host goes: its last lines are written then.
            logging.Services.AddSingleton<ILoggerProvider>(_ =>
                new AccessLogProvider(new BatchedLineWriter(Console.OpenStandardOutput(), s_accessLogFlushInterval, TimeProvider.System), options.Format, TimeProvider.System));
        }
        else
        {
            logging.AddFilter(AccessLog.Category, LogLevel.None);
        }

        // Past its queue (2500 lines) the console logger would block the thread that logs: drop lines instead.
        logging.Services.Configure<ConsoleLoggerOptions>(console => console.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite);
        if (options.Format == LogFormat.Json)
        {
            logging.AddJsonConsole(json =>
            {
                json.TimestampFormat = LogTimestamps.Json;
                json.UseUtcTimestamp = true;
                json.JsonWriterOptions = new JsonWriterOptions { Indented = false }; // one object per line
            });
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = LogTimestamps.Plain + " ";
            });
        }
    }
}
