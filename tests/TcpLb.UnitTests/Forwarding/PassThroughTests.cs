using System.Net.Sockets;
using System.Security.Cryptography;
using TcpLb.Configuration;
using TcpLb.ProxyProtocol;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>Bytes go through untouched, in order, in both directions, at any size; the header leaves with the first bytes.</summary>
public sealed class PassThroughTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(64 * 1024)]
    [InlineData(100 * 1024 * 1024)]
    public async Task Bytes_pass_untouched_both_ways_at_any_size(int size)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint));
        byte[] sent = RandomNumberGenerator.GetBytes(size);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        Task<byte[]> echoed = Net.ReadToEndAsync(client, cancellationToken);
        Task<byte[]> backendReceived = EchoOneConnectionAsync(backend, cancellationToken);
        await client.SendAsync(sent, SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal(SHA256.HashData(sent), SHA256.HashData(await backendReceived));
        Assert.Equal(SHA256.HashData(sent), SHA256.HashData(await echoed));
    }

    [Theory, BothEngines]
    public async Task Zero_bytes_each_way_on_accept_mode_gives_the_backend_a_connection_that_ends_in_FIN(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { Connect = ConnectMode.OnAccept }, engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken); // dialled on accept, before any client byte
        client.Shutdown(SocketShutdown.Send);

        Assert.Empty(await Net.ReadToEndAsync(server, cancellationToken));
        server.Shutdown(SocketShutdown.Send);
        Assert.Empty(await Net.ReadToEndAsync(client, cancellationToken));
    }

    [Theory, BothEngines]
    public async Task Client_first_a_client_that_closes_without_sending_never_reaches_a_backend(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("fin", await Net.ReadEndAsync(client, cancellationToken));
        Assert.False(backend.HasPendingConnection(TimeSpan.FromMilliseconds(200)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Rule22_the_header_and_the_first_bytes_leave_in_one_write(int version)
    {
        ProxySendMode mode = version == 1 ? ProxySendMode.V1 : ProxySendMode.V2;
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { SendProxy = mode });
        byte[] request = "GET / HTTP/1.1\r\nHost: example\r\n\r\n"u8.ToArray();

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken, from: Net.SecondLoopback);
        await client.SendAsync(request, SocketFlags.None, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);

        // One send on loopback arrives as one segment: the first read holds the header and the request together.
        byte[] buffer = new byte[4096];
        int read = await server.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        ProxyParseResult parsed = ProxyHeaderParser.Parse(new System.Buffers.ReadOnlySequence<byte>(buffer, 0, read));

        Assert.Equal(ProxyParseStatus.Complete, parsed.Status);
        Assert.Equal(mode == ProxySendMode.V1 ? ProxyVersion.V1 : ProxyVersion.V2, parsed.Header.Version);
        Assert.Equal(client.LocalEndPoint, parsed.Header.GetSourceEndPoint());
        Assert.Equal(lb.EndPoint, parsed.Header.GetDestinationEndPoint());
        Assert.Equal(request, buffer[(int)parsed.BytesConsumed..read]);
    }

    [Theory, BothEngines]
    public async Task Without_send_proxy_the_backend_sees_the_client_bytes_only(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("hello"u8.ToArray(), SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        using Socket server = await backend.AcceptAsync(cancellationToken);

        Assert.Equal("hello"u8.ToArray(), await Net.ReadToEndAsync(server, cancellationToken));
    }

    /// <summary>Accepts one connection, echoes everything back as it comes, passes the FIN on; returns what it received.</summary>
    private static async Task<byte[]> EchoOneConnectionAsync(TestBackend backend, CancellationToken cancellationToken)
    {
        using Socket server = await backend.AcceptAsync(cancellationToken);
        using var received = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            int n = await server.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                server.Shutdown(SocketShutdown.Send);
                return received.ToArray();
            }

            received.Write(buffer, 0, n);
            await server.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, cancellationToken);
        }
    }
}
