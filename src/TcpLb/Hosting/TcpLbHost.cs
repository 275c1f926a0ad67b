using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;

namespace TcpLb.Hosting;

/// <summary>Builds the process host: console logs, signal handling, the server as a hosted service.</summary>
internal static class TcpLbHost
{
    public static IHost Build(TcpLbOptions options, Action<IServiceCollection>? extra = null)
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
        builder.Services.AddSystemd(); // only under systemd: READY=1 after every hosted service started (listeners bound)
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new TcpLbServer(options.Listeners, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService(services => new TcpLbHostedService(services.GetRequiredService<TcpLbServer>(), options.DrainTimeout));
        extra?.Invoke(builder.Services);
        return builder.Build();
    }
}
