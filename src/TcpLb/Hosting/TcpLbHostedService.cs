using Microsoft.Extensions.Hosting;

namespace TcpLb.Hosting;

/// <summary>Runs a <see cref="TcpLbServer"/> under the generic host: SIGTERM/SIGINT stop it with a drain.</summary>
internal sealed class TcpLbHostedService(TcpLbServer server, TimeSpan drainTimeout) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(drainTimeout);
}
