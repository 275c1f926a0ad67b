using System.Net;
using System.Net.Sockets;

namespace TcpLb.Testing;

/// <summary>
/// A dead backend that stays dead: a loopback port bound but never listened on, so every connect to it is
/// refused, and no other test can take the port meanwhile (as it could a port that was merely free a moment ago).
/// </summary>
internal sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusingPort() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public void Dispose() => _socket.Dispose();
}
