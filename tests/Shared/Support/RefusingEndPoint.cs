using System.Net;
using System.Net.Sockets;

namespace TcpLb.Testing;

/// <summary>
/// A loopback address that refuses connections (RST) for as long as this lives: a socket bound there that never
/// listens. A merely free port can be taken meanwhile by a parallel test, or chosen as an ephemeral port.
/// </summary>
internal sealed class RefusingEndPoint : IDisposable
{
    private readonly Socket _holder = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusingEndPoint() => _holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public IPEndPoint EndPoint => (IPEndPoint)_holder.LocalEndPoint!;

    public void Dispose() => _holder.Dispose();
}
