using System.Net;

namespace TcpLb.Discovery;

/// <summary>
/// How a backend written as a host name (<c>router.local:80</c>) is resolved when it is dialled: the system's
/// resolver (/etc/hosts, then DNS), as <see cref="System.Net.Sockets.Socket.ConnectAsync(EndPoint)"/> does. The seam
/// the name check resolves through (tests substitute it). A name that does not resolve throws.
/// </summary>
internal interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}
