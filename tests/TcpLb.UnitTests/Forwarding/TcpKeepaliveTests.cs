using System.Net.Sockets;
using TcpLb.Forwarding;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>tcpKeepalive: SO_KEEPALIVE with the configured idle time on the client's socket at accept and the backend's at dial.</summary>
public sealed class TcpKeepaliveTests
{
    [Fact]
    public async Task Both_sockets_of_a_connection_get_keepalive_with_the_idle_time_configured()
    {
        (bool On, int IdleSeconds)[] sockets = await ReadKeepaliveAsync(TimeSpan.FromSeconds(7));

        Assert.Equal([(true, 7), (true, 7)], sockets);
    }

    [Fact]
    public async Task Off_by_default_leaves_both_sockets_without_keepalive()
    {
        (bool On, int IdleSeconds)[] sockets = await ReadKeepaliveAsync(TimeSpan.Zero);

        Assert.All(sockets, socket => Assert.False(socket.On));
    }

    // Keepalive as the kernel holds it on TcpLb's two sockets of one open connection: the client's it accepted, the backend's it dialled.
    private static async Task<(bool On, int IdleSeconds)[]> ReadKeepaliveAsync(TimeSpan keepalive)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = TcpLbUnderTest.Start(TcpLbUnderTest.Options(backend.EndPoint) with { TcpKeepalive = keepalive });

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("hello"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        await Net.ReadExactlyAsync(server, 5, cancellationToken); // the bytes went through: both of TcpLb's sockets exist

        ProxiedConnection connection = Assert.Single(lb.Connections);
        return [.. new[] { connection.Client, connection.Backend! }.Select(socket => (
            (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0,
            (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!))];
    }
}
