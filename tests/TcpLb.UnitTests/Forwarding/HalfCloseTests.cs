using System.Net.Sockets;
using System.Security.Cryptography;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>A FIN is passed on as a FIN while the other direction keeps flowing; a reset resets the other side.</summary>
public sealed class HalfCloseTests
{
    [Theory, BothEngines]
    public async Task Client_FIN_reaches_the_backend_which_then_still_sends_its_whole_answer(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);
        byte[] answer = RandomNumberGenerator.GetBytes(1024 * 1024);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("request"u8.ToArray(), SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        using Socket server = await backend.AcceptAsync(cancellationToken);

        Assert.Equal("request"u8.ToArray(), await Net.ReadToEndAsync(server, cancellationToken)); // the FIN arrived
        await server.SendAsync(answer, SocketFlags.None, cancellationToken);
        server.Shutdown(SocketShutdown.Send);

        Assert.Equal(SHA256.HashData(answer), SHA256.HashData(await Net.ReadToEndAsync(client, cancellationToken)));
    }

    [Theory, BothEngines]
    public async Task Backend_FIN_reaches_the_client_which_then_still_sends_its_whole_upload(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);
        byte[] upload = RandomNumberGenerator.GetBytes(1024 * 1024);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("hi"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("hi"u8.ToArray(), await Net.ReadExactlyAsync(server, 2, cancellationToken));
        await server.SendAsync("bye"u8.ToArray(), SocketFlags.None, cancellationToken);
        server.Shutdown(SocketShutdown.Send);

        Assert.Equal("bye"u8.ToArray(), await Net.ReadToEndAsync(client, cancellationToken)); // FIN passed on
        await client.SendAsync(upload, SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal(SHA256.HashData(upload), SHA256.HashData(await Net.ReadToEndAsync(server, cancellationToken)));
    }

    [Theory, BothEngines]
    public async Task A_client_reset_resets_the_backend(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);

        Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("x"u8.ToArray(), await Net.ReadExactlyAsync(server, 1, cancellationToken));
        Net.Reset(client);

        Assert.Equal("reset", await Net.ReadEndAsync(server, cancellationToken));
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is gone", cancellationToken);
        Assert.Contains(lb.Logs.Lines, line => line.EventId == 110 && line.Message.EndsWith("reason=client_reset", StringComparison.Ordinal));
    }

    [Theory, BothEngines]
    public async Task A_backend_reset_resets_the_client(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
        Socket server = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("x"u8.ToArray(), await Net.ReadExactlyAsync(server, 1, cancellationToken));
        Net.Reset(server);

        Assert.Equal("reset", await Net.ReadEndAsync(client, cancellationToken));
    }
}
