using System.Net.Sockets;
using TcpLb.Forwarding;
using TcpLb.Testing;
using TcpLb.Transport.Linux;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>tcpKeepalive: SO_KEEPALIVE with the configured idle time on the client's socket at accept and the backend's at dial.</summary>
public sealed class TcpKeepaliveTests
{
    [Theory, BothEngines]
    public async Task Both_sockets_of_a_connection_get_keepalive_with_the_idle_time_configured(Engine engine)
    {
        (bool On, int IdleSeconds)[] sockets = await ReadKeepaliveAsync(TimeSpan.FromSeconds(7), engine);

        Assert.Equal([(true, 7), (true, 7)], sockets);
    }

    [Theory, BothEngines]
    public async Task Off_by_default_leaves_both_sockets_without_keepalive(Engine engine)
    {
        (bool On, int IdleSeconds)[] sockets = await ReadKeepaliveAsync(TimeSpan.Zero, engine);

        Assert.All(sockets, socket => Assert.False(socket.On));
    }

    // Keepalive as the kernel holds it on TcpLb's two sockets of one open connection: the client's it accepted, the backend's it dialled.
    private static async Task<(bool On, int IdleSeconds)[]> ReadKeepaliveAsync(TimeSpan keepalive, Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { TcpKeepalive = keepalive }, engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("hello"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        await Net.ReadExactlyAsync(server, 5, cancellationToken); // the bytes went through: both of TcpLb's sockets exist

        return Assert.Single(lb.Connections) switch
        {
            ProxiedConnection sockets => [.. new[] { sockets.Client, sockets.Backend! }.Select(socket => (
                (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0,
                (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!))],
            LoopConnection loop => [.. new[] { false, true }.Select(backendSide => (
                loop.ReadSocketOption(backendSide, SolSocket, SoKeepalive) != 0,
                loop.ReadSocketOption(backendSide, IpProtoTcp, TcpKeepIdle)))],
            var other => throw new InvalidOperationException($"unknown connection type {other.GetType()}"),
        };
    }

    // Linux's values for SOL_SOCKET/SO_KEEPALIVE and IPPROTO_TCP/TCP_KEEPIDLE, as the epoll engine's sockets are read.
    private const int SolSocket = 1;
    private const int SoKeepalive = 9;
    private const int IpProtoTcp = 6;
    private const int TcpKeepIdle = 4;
}
