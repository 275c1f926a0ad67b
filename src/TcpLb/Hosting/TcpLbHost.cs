using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;

namespace TcpLb.Hosting;

/// <summary>Builds the process host: console logs, signal handling, the server as a hosted service.</summary>
internal static class TcpLbHost
{
    /// <param name="reloadFrom">The config file the options came from, reloaded on SIGHUP and on change; null for flags.</param>
    public static IHost Build(TcpLbOptions options, Action<IServiceCollection>? extra = null, string? reloadFrom = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(options.Logging.Level);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
        });
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new TcpLbServer(options.Listeners, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService(services => new TcpLbHostedService(services.GetRequiredService<TcpLbServer>(), options.DrainTimeout));
        if (reloadFrom is not null)
        {
            builder.Services.AddHostedService(services => new ConfigReloader(reloadFrom, options, services.GetRequiredService<TcpLbServer>(),
                services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<ConfigReloader>>()));
        }

        extra?.Invoke(builder.Services);
        return builder.Build();
    }
}
