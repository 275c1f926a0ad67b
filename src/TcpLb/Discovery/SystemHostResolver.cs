using System.Net;

namespace TcpLb.Discovery;

/// <summary><see cref="IHostResolver"/> over <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> (getaddrinfo): what the dial itself uses.</summary>
internal sealed class SystemHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}
