using System.Net;
using System.Net.Sockets;

namespace TcpLb.Testing;

/// <summary>
/// A loopback listener standing in for a router, on 127.0.0.1 and a port of its own; the test decides what each
/// accepted socket does. The other backends of the kit (<see cref="EchoBackend"/>, <see cref="HeaderCapturingBackend"/>)
/// are built on it.
/// </summary>
internal sealed class TestBackend : IDisposable
{
    private readonly Socket _listener;

    public TestBackend(int backlog = 512)
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(backlog);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public async Task<Socket> AcceptAsync(CancellationToken cancellationToken)
    {
        Socket socket = await _listener.AcceptAsync(cancellationToken);
        socket.NoDelay = true;
        return socket;
    }

    /// <summary>True when a connection is waiting to be accepted within <paramref name="wait"/>.</summary>
    public bool HasPendingConnection(TimeSpan wait) => _listener.Poll(wait, SelectMode.SelectRead);

    public void Dispose() => _listener.Dispose();
}
