using System.Net.Sockets;
using System.Security.Cryptography;
using TcpLb.Testing;
using TcpLb.Transport;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>A slow reader on one side stops reads on the other: what TcpLb holds stays bounded whatever the transfer size.</summary>
public sealed class BackpressureTests
{
    [Theory, BothEngines]
    public async Task A_backend_that_does_not_read_stops_TcpLb_reading_from_the_client(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);
        byte[] upload = RandomNumberGenerator.GetBytes(64 * 1024 * 1024);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        Task sending = client.SendAsync(upload, SocketFlags.None, cancellationToken).AsTask();
        using Socket server = await backend.AcceptAsync(cancellationToken); // accepted, never read (yet)

        // Wait until TcpLb stops taking bytes: the count stays put for 20 polls in a row.
        var connection = lb.Connections.Single();
        long previous = -1;
        int steady = 0;
        for (int poll = 0; poll < 400 && steady < 20; poll++)
        {
            long now = connection.BytesFromClient;
            steady = now == previous ? steady + 1 : 0;
            previous = now;
            await Task.Delay(25, cancellationToken);
        }

        // Held = TcpLb's pipe (at most the pause threshold plus one read) + the kernel's buffers towards the
        // backend; without backpressure TcpLb would have taken all 64 MiB.
        Assert.Equal(20, steady);
        Assert.InRange(connection.BytesFromClient, SocketPipeOptions.PauseWriterThreshold, 32L * 1024 * 1024);
        Assert.False(sending.IsCompleted);

        // Once the backend reads, everything arrives intact.
        Task<byte[]> received = Net.ReadToEndAsync(server, cancellationToken);
        await sending;
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(SHA256.HashData(upload), SHA256.HashData(await received));
    }

    [Theory, BothEngines]
    public async Task A_client_reset_while_its_bytes_wait_for_a_stalled_backend_resets_the_backend_at_once(Engine engine)
    {
        // Paused by backpressure, the sockets engine has no read outstanding on the client (System.Net.Sockets cannot wait
        // for an error alone): it notices the reset at the client idle timeout. A known limit of the portable engine.
        Assert.SkipWhen(engine == Engine.Sockets, "the sockets engine notices this reset only at the client idle timeout");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);

        Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        _ = client.SendAsync(RandomNumberGenerator.GetBytes(64 * 1024 * 1024), SocketFlags.None, cancellationToken).AsTask();
        using Socket server = await backend.AcceptAsync(cancellationToken); // never reads: TcpLb stops reading the client
        var connection = lb.Connections.Single();
        await TcpLbUnderTest.WaitUntilAsync(() => connection.BytesFromClient >= SocketPipeOptions.PauseWriterThreshold, "TcpLb holds client bytes", cancellationToken);

        Net.Reset(client);

        // Without reading the backend's socket buffer to its end first: the reset reaches the backend at once.
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is closed", cancellationToken);
        Assert.Contains(lb.Logs.Lines, line => line.EventId == 110 && line.Message.EndsWith("reason=client_reset", StringComparison.Ordinal));
    }
}
