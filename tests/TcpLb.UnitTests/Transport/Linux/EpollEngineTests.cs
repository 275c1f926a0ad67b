using System.Net.Sockets;
using System.Security.Cryptography;
using TcpLb.Forwarding;
using TcpLb.Testing;
using TcpLb.Transport.Linux;
using Xunit;

namespace TcpLb.UnitTests.Transport.Linux;

/// <summary>
/// What only the epoll engine has: its memory while bytes wait (one read's worth in user space, the rest in the
/// kernel), splice through kernel pipes for bulk transfers with half-close and reset, pipes that never carry a
/// closed connection's bytes into the next one, and a direction's last bytes and its FIN sent as one segment. Real sockets on loopback; every transfer checked by SHA-256.
/// </summary>
public sealed class EpollEngineTests
{
    private const int Bulk = 8 * 1024 * 1024;

    [Fact]
    public async Task A_backend_that_stops_reading_leaves_at_most_one_read_in_user_space_and_nothing_is_lost()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the epoll engine runs on Linux only");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: Engine.Epoll);
        byte[] upload = RandomNumberGenerator.GetBytes(4 * Bulk);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        Task sending = client.SendAsync(upload, SocketFlags.None, cancellationToken).AsTask();
        using Socket server = await backend.AcceptAsync(cancellationToken); // accepted, not read yet
        var connection = (LoopConnection)lb.Connections.Single();
        await WaitUntilSteadyAsync(() => connection.UpstreamBytes, cancellationToken);

        Assert.InRange(connection.HeldBytes, 0, EventLoop.ReadBufferSize);
        Assert.False(sending.IsCompleted, "TcpLb took everything: no backpressure");

        Task<byte[]> received = Net.ReadToEndAsync(server, cancellationToken);
        await sending;
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(SHA256.HashData(upload), SHA256.HashData(await received));
    }

    [Fact]
    public async Task Bulk_transfers_are_spliced_and_a_FIN_after_them_is_passed_on_while_the_other_direction_flows()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the epoll engine runs on Linux only");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: Engine.Epoll);
        long rentedBefore = PipesRented(lb);
        byte[] upload = RandomNumberGenerator.GetBytes(Bulk);
        byte[] download = RandomNumberGenerator.GetBytes(Bulk);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        Task sending = SendThenFinAsync(client, upload, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);

        // The client's bytes and FIN arrive; then the backend answers on the half-closed connection.
        Assert.Equal(SHA256.HashData(upload), SHA256.HashData(await Net.ReadToEndAsync(server, cancellationToken)));
        await sending;
        Task<byte[]> downloading = Net.ReadToEndAsync(client, cancellationToken);
        await SendThenFinAsync(server, download, cancellationToken);
        Assert.Equal(SHA256.HashData(download), SHA256.HashData(await downloading));

        Assert.True(PipesRented(lb) > rentedBefore, "no kernel pipe was used: the transfer was not spliced");
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is closed", cancellationToken);
        Assert.Contains(lb.Logs.Lines, line => line.EventId == 110 && line.Message.EndsWith("reason=completed", StringComparison.Ordinal));
        AssertNoPipeHeld(lb);
    }

    [Fact]
    public async Task A_reset_in_the_middle_of_a_spliced_transfer_resets_the_other_side_and_holds_no_pipe()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the epoll engine runs on Linux only");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: Engine.Epoll);
        long rentedBefore = PipesRented(lb);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("hello"u8.ToArray(), SocketFlags.None, cancellationToken);
        Socket server = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("hello"u8.ToArray(), await Net.ReadExactlyAsync(server, 5, cancellationToken));
        byte[] download = RandomNumberGenerator.GetBytes(Bulk);
        _ = server.SendAsync(download, SocketFlags.None, cancellationToken).AsTask();
        await Net.ReadExactlyAsync(client, 1024 * 1024, cancellationToken); // well into the transfer: spliced by now
        Assert.True(PipesRented(lb) > rentedBefore, "no kernel pipe was used: the transfer was not spliced");

        Net.Reset(server);
        Assert.Equal("reset", await Net.ReadEndAsync(client, cancellationToken));
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is closed", cancellationToken);
        AssertNoPipeHeld(lb);
    }

    [Fact]
    public async Task A_connection_closed_while_its_bytes_sit_in_a_kernel_pipe_leaves_none_for_the_next_one()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the epoll engine runs on Linux only");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { Balance = "round-robin" }, engine: Engine.Epoll);

        // First connection: the backend never reads, so the client's bulk bytes back up into TcpLb's kernel pipe.
        using (Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken))
        {
            _ = client.SendAsync(RandomNumberGenerator.GetBytes(4 * Bulk), SocketFlags.None, cancellationToken).AsTask();
            using Socket stalled = await backend.AcceptAsync(cancellationToken);
            var connection = (LoopConnection)lb.Connections.Single();
            await TcpLbUnderTest.WaitUntilAsync(() => connection.PipedBytes > 0, "bytes wait in a kernel pipe", cancellationToken);
            Net.Reset(client);
            await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is closed", cancellationToken);
        }

        AssertNoPipeHeld(lb);

        // Second connection, through the same loop and pool: every byte it gets is its own.
        byte[] upload = RandomNumberGenerator.GetBytes(Bulk);
        using Socket next = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        Task sending = SendThenFinAsync(next, upload, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        Assert.Equal(SHA256.HashData(upload), SHA256.HashData(await Net.ReadToEndAsync(server, cancellationToken)));
        await sending;
    }

    private static async Task SendThenFinAsync(Socket socket, byte[] bytes, CancellationToken cancellationToken)
    {
        await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
    }

    private static IReadOnlyList<EventLoop> Loops(TcpLbUnderTest lb) => ((EpollEngine)lb.Server.Engine).Loops;

    private static long PipesRented(TcpLbUnderTest lb) => Loops(lb).Sum(loop => loop.Pipes.Rented);

    // Every pipe still open is a spare one: none is held by a closed connection, none left open with its bytes.
    private static void AssertNoPipeHeld(TcpLbUnderTest lb)
    {
        foreach (EventLoop loop in Loops(lb))
        {
            Assert.Equal(loop.Pipes.Spare, loop.Pipes.Open);
        }
    }

    // Polls until the value stops moving for 20 polls in a row (bounded: 400 polls).
    private static async Task WaitUntilSteadyAsync(Func<long> value, CancellationToken cancellationToken)
    {
        long previous = -1;
        int steady = 0;
        for (int poll = 0; poll < 400 && steady < 20; poll++)
        {
            long now = value();
            steady = now == previous ? steady + 1 : 0;
            previous = now;
            await Task.Delay(25, cancellationToken);
        }

        Assert.Equal(20, steady);
    }

    [Fact]
    public async Task Bytes_that_came_with_the_backends_FIN_leave_with_the_FIN_in_one_segment_and_the_client_still_sends()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the epoll engine runs on Linux only");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: Engine.Epoll);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("hi"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("hi"u8.ToArray(), await Net.ReadExactlyAsync(server, 2, cancellationToken)); // TcpLb's ACK of it came long before
        int segmentsBefore = SegmentsReceived(client);

        server.SetRawSocketOption(IpProtoTcp, TcpCork, BitConverter.GetBytes(1)); // "bye" and the FIN leave the backend as one segment
        await server.SendAsync("bye"u8.ToArray(), SocketFlags.None, cancellationToken);
        server.Shutdown(SocketShutdown.Send);

        Assert.Equal("bye"u8.ToArray(), await Net.ReadToEndAsync(client, cancellationToken));
        Assert.Equal(1, SegmentsReceived(client) - segmentsBefore); // not the bytes, then the FIN alone
        await client.SendAsync("more"u8.ToArray(), SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal("more"u8.ToArray(), await Net.ReadToEndAsync(server, cancellationToken));
    }

    private const int IpProtoTcp = 6;
    private const int TcpCork = 3;
    private const int TcpInfo = 11;
    private const int TcpInfoSegmentsIn = 140; // struct tcp_info: tcpi_segs_in

    private static int SegmentsReceived(Socket socket)
    {
        byte[] info = new byte[256];
        int length = socket.GetRawSocketOption(IpProtoTcp, TcpInfo, info);
        Assert.True(length >= TcpInfoSegmentsIn + sizeof(int), $"TCP_INFO gave {length} bytes, without tcpi_segs_in");
        return BitConverter.ToInt32(info, TcpInfoSegmentsIn);
    }
}
