using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;

namespace TcpLb.Admin;

/// <summary>
/// Runs the admin endpoint for the life of the process. Started before the listeners, so a taken admin port, an
/// unreadable token or a non-loopback address without one stops <c>tcplb run</c> before it accepts a connection;
/// stopped after them, so <c>/ready</c> says 503 and <c>/metrics</c> still answers while connections drain. With
/// <paramref name="optional"/> (the demo) such a failure is a warning instead.
/// </summary>
/// <param name="environment">Reads an environment variable (<see cref="AdminToken.Variable"/>); tests pass their own.</param>
internal sealed class AdminHostedService(
    AdminOptions options, IBalancerStatus server, ILoggerFactory loggers, bool optional, Func<string, string?>? environment = null) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger("TcpLb.Admin");
    private AdminEndpoint? _endpoint;

    /// <summary>Where it listens once started (<c>http://[::]:8411</c>), null before or when it did not start.</summary>
    public string? Url => _endpoint?.Url;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            AdminAccess access = DecideAccess();
            _endpoint = await AdminEndpoint.StartAsync(options.Listen, access, server, loggers, cancellationToken).ConfigureAwait(false);
            AdminLog.Listening(_logger, _endpoint.Url, access.Description);
        }
        catch (AdminEndpointException exception) when (optional)
        {
            AdminLog.NotStarted(_logger, exception.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _endpoint?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _endpoint?.DisposeAsync() ?? ValueTask.CompletedTask;

    private AdminAccess DecideAccess()
    {
        string? variable = (environment ?? Environment.GetEnvironmentVariable)(AdminToken.Variable);
        if (!AdminToken.TryLoad(options.TokenFile, variable, out string? token, out string error)
            || !AdminAccess.TryDecide(options.Listen, token, options.AllowUnauthenticated, out AdminAccess? access, out error))
        {
            throw new AdminEndpointException(error);
        }

        return access;
    }
}
