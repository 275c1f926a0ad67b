using System.Net.Sockets;
using System.Security.Cryptography;
using TcpLb.Testing;
using TcpLb.Transport;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>A slow reader on one side stops reads on the other: what TcpLb holds stays bounded whatever the transfer size.</summary>
public sealed class BackpressureTests
{
    [Fact]
    public async Task A_backend_that_does_not_read_stops_TcpLb_reading_from_the_client()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = TcpLbUnderTest.Start(TcpLbUnderTest.Options(backend.EndPoint));
        byte[] upload = RandomNumberGenerator.GetBytes(64 * 1024 * 1024);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        Task sending = client.SendAsync(upload, SocketFlags.None, cancellationToken).AsTask();
        using Socket server = await backend.AcceptAsync(cancellationToken); // accepted, never read (yet)

        // Wait until TcpLb stops taking bytes: the count stays put for 20 polls in a row.
        var meter = lb.Connections.Single().Upstream;
        long previous = -1;
        int steady = 0;
        for (int poll = 0; poll < 400 && steady < 20; poll++)
        {
            long now = meter.Bytes;
            steady = now == previous ? steady + 1 : 0;
            previous = now;
            await Task.Delay(25, cancellationToken);
        }

        // Held = TcpLb's pipe (at most the pause threshold plus one read) + the kernel's buffers towards the
        // backend; without backpressure TcpLb would have taken all 64 MiB.
        Assert.Equal(20, steady);
        Assert.InRange(meter.Bytes, SocketPipeOptions.PauseWriterThreshold, 32L * 1024 * 1024);
        Assert.False(sending.IsCompleted);

        // Once the backend reads, everything arrives intact.
        Task<byte[]> received = Net.ReadToEndAsync(server, cancellationToken);
        await sending;
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(SHA256.HashData(upload), SHA256.HashData(await received));
    }
}
