using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;

namespace TcpLb.Hosting;

/// <summary>Builds the process host: console logs, signal handling, the server as a hosted service.</summary>
internal static class TcpLbHost
{
    public static IHost Build(IReadOnlyList<ListenerOptions> listeners, TimeSpan drainTimeout, LogLevel logLevel, Action<IServiceCollection>? extra = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
        });
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = drainTimeout + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new TcpLbServer(listeners, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService(services => new TcpLbHostedService(services.GetRequiredService<TcpLbServer>(), drainTimeout));
        extra?.Invoke(builder.Services);
        return builder.Build();
    }
}
