using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;

namespace TcpLb.Admin;

/// <summary>
/// Runs the admin endpoint for the life of the process. Started before the listeners, so a taken admin port
/// stops <c>tcplb run</c> before it accepts a connection; stopped after them, so <c>/ready</c> says 503
/// and <c>/metrics</c> still answers while connections drain. With <paramref name="optional"/> (the demo) a
/// taken port is a warning instead.
/// </summary>
internal sealed class AdminHostedService(AdminOptions options, IBalancerStatus server, ILoggerFactory loggers, bool optional) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger("TcpLb.Admin");
    private AdminEndpoint? _endpoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _endpoint = await AdminEndpoint.StartAsync(options.Listen, server, loggers, cancellationToken).ConfigureAwait(false);
            AdminLog.Listening(_logger, _endpoint.Url);
        }
        catch (AdminEndpointException exception) when (optional)
        {
            AdminLog.NotStarted(_logger, exception.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _endpoint?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _endpoint?.DisposeAsync() ?? ValueTask.CompletedTask;
}
