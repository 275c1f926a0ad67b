using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Configuration;
using TcpLb.ProxyProtocol;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>Headers from trusted upstream balancers (rules 19-21, 24); everybody else is a direct client or refused.</summary>
public sealed class AcceptProxyTests
{
    private static readonly IPNetwork s_loopback8 = IPNetwork.Parse("127.0.0.0/8");

    [Theory, BothEngines]
    public async Task A_trusted_upstream_header_split_byte_by_byte_is_read_and_its_client_is_the_one_sent_on(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with { AcceptProxyFrom = [s_loopback8], SendProxy = ProxySendMode.V1 };
        await using var lb = await TcpLbUnderTest.StartAsync(options, engine: engine);
        byte[] upstreamHeader = new byte[64];
        int length = ProxyHeaderWriter.WriteV2(upstreamHeader, IPEndPoint.Parse("203.0.113.9:5555"), IPEndPoint.Parse("198.51.100.1:443"));

        using Socket upstream = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        for (int i = 0; i < length; i++)
        {
            await upstream.SendAsync(upstreamHeader.AsMemory(i, 1), SocketFlags.None, cancellationToken);
            await TcpLbUnderTest.WaitUntilAsync(() => lb.Connections.SingleOrDefault()?.BytesFromClient == i + 1, $"byte {i} is read", cancellationToken);
        }

        await upstream.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
        upstream.Shutdown(SocketShutdown.Send);
        using Socket server = await backend.AcceptAsync(cancellationToken);

        // Rule 24: the header sent describes the upstream's client, not the upstream.
        Assert.Equal("PROXY TCP4 203.0.113.9 198.51.100.1 5555 443\r\nGET / HTTP/1.1\r\n\r\n", Encoding.ASCII.GetString(await Net.ReadToEndAsync(server, cancellationToken)));
    }

    [Theory]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 70000 80\r\nGET / HTTP/1.1\r\n\r\n", "source port")]
    [InlineData("PROXY TCP4 1.2.3.4 ::1 1 80\r\nGET / HTTP/1.1\r\n\r\n", "destination address")]
    [InlineData("GET / HTTP/1.1\r\n\r\n", "does not start with a PROXY header")]
    public async Task An_invalid_or_missing_header_from_a_trusted_upstream_closes_that_connection_only_and_nothing_reaches_a_backend(string sent, string reason)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { AcceptProxyFrom = [s_loopback8] });
        (Socket otherClient, Socket otherServer) = await EstablishedWithHeaderAsync(lb, backend, cancellationToken);

        using Socket upstream = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await upstream.SendAsync(Encoding.ASCII.GetBytes(sent), SocketFlags.None, cancellationToken);

        Assert.Equal("reset", await Net.ReadEndAsync(upstream, cancellationToken));
        Assert.False(backend.HasPendingConnection(TimeSpan.FromMilliseconds(200)));
        string message = lb.Logs.Lines.Single(line => line.EventId == 102).Message;
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.Contains(upstream.LocalEndPoint!.ToString()!, message, StringComparison.Ordinal); // the peer is named

        // The other connection did not notice.
        await otherClient.SendAsync("still here"u8.ToArray(), SocketFlags.None, cancellationToken);
        Assert.Equal("still here"u8.ToArray(), await Net.ReadExactlyAsync(otherServer, 10, cancellationToken));
        otherClient.Dispose();
        otherServer.Dispose();
    }

    [Theory, BothEngines]
    public async Task An_untrusted_source_is_refused_without_allow_direct(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { AcceptProxyFrom = [IPNetwork.Parse("10.0.0.0/8")] }, engine: engine);

        // Refused at once: the reset may even beat the client's own view of its connect completing.
        string end;
        try
        {
            using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
            await client.SendAsync("PROXY TCP4 6.6.6.6 5.6.7.8 1 80\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
            end = await Net.ReadEndAsync(client, cancellationToken);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            end = "reset";
        }

        Assert.Equal("reset", end);
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Logs.Lines.Any(line => line.EventId == 104), "the refusal is logged", cancellationToken);
        Assert.False(backend.HasPendingConnection(TimeSpan.FromMilliseconds(200)));
    }

    [Theory, BothEngines]
    public async Task With_allow_direct_an_untrusted_source_is_a_direct_client_and_its_PROXY_line_is_data(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with
        {
            AcceptProxyFrom = [IPNetwork.Parse("10.0.0.0/8")],
            AllowDirect = true,
            SendProxy = ProxySendMode.V1,
        };
        await using var lb = await TcpLbUnderTest.StartAsync(options, engine: engine);

        string spoof = "PROXY TCP4 6.6.6.6 5.6.7.8 1 80\r\n";
        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken, from: Net.SecondLoopback);
        await client.SendAsync(Encoding.ASCII.GetBytes(spoof), SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        using Socket server = await backend.AcceptAsync(cancellationToken);

        string real = $"PROXY TCP4 127.0.0.2 127.0.0.1 {((IPEndPoint)client.LocalEndPoint!).Port} {lb.EndPoint.Port}\r\n";
        Assert.Equal(real + spoof, Encoding.ASCII.GetString(await Net.ReadToEndAsync(server, cancellationToken)));
    }

    [Theory, BothEngines]
    public async Task Without_accept_proxy_from_a_PROXY_line_is_just_data(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);

        byte[] spoof = "PROXY TCP4 6.6.6.6 5.6.7.8 1 80\r\n"u8.ToArray();
        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync(spoof, SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        using Socket server = await backend.AcceptAsync(cancellationToken);

        Assert.Equal(spoof, await Net.ReadToEndAsync(server, cancellationToken));
    }

    [Theory, BothEngines]
    public async Task Received_v2_TLVs_are_forwarded_when_asked_and_the_upstream_LOCAL_means_the_upstream_itself(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with { AcceptProxyFrom = [s_loopback8], SendProxy = ProxySendMode.V2, ForwardTlvs = true };
        await using var lb = await TcpLbUnderTest.StartAsync(options, engine: engine);
        var vpce = new ProxyTlv(ProxyTlvType.Aws, "\u0001vpce-1"u8.ToArray());
        byte[] upstreamHeader = new byte[128];
        int length = ProxyHeaderWriter.WriteV2(upstreamHeader, IPEndPoint.Parse("203.0.113.9:5555"), IPEndPoint.Parse("198.51.100.1:443"), [vpce], crc32C: true);

        using Socket upstream = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await upstream.SendAsync(upstreamHeader.AsMemory(0, length), SocketFlags.None, cancellationToken);
        await upstream.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
        upstream.Shutdown(SocketShutdown.Send);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        byte[] received = await Net.ReadToEndAsync(server, cancellationToken);

        ProxyParseResult parsed = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(received));
        Assert.Equal(ProxyParseStatus.Complete, parsed.Status);
        Assert.Equal(IPEndPoint.Parse("203.0.113.9:5555"), parsed.Header.GetSourceEndPoint());
        Assert.True(parsed.Header.TryGetTlv(ProxyTlvType.Aws, out ProxyTlv aws));
        Assert.True(aws.TryGetAwsVpcEndpointId(out string? id));
        Assert.Equal("vpce-1", id);
        Assert.False(parsed.Header.TryGetTlv(ProxyTlvType.Crc32C, out _)); // the upstream's checksum is not passed on stale
        Assert.Equal("x"u8.ToArray(), received[(int)parsed.BytesConsumed..]);
    }

    [Theory, BothEngines]
    public async Task Rule10_an_upstream_LOCAL_header_makes_the_upstream_connection_itself_the_client(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { AcceptProxyFrom = [s_loopback8], SendProxy = ProxySendMode.V1 }, engine: engine);

        using Socket upstream = await Net.ConnectAsync(lb.EndPoint, cancellationToken, from: Net.SecondLoopback);
        byte[] local = new byte[16];
        ProxyHeaderWriter.Write(local, ProxyHeader.Local(), ProxyVersion.V2);
        await upstream.SendAsync(local, SocketFlags.None, cancellationToken);
        await upstream.SendAsync("ping"u8.ToArray(), SocketFlags.None, cancellationToken);
        upstream.Shutdown(SocketShutdown.Send);
        using Socket server = await backend.AcceptAsync(cancellationToken);

        string expected = $"PROXY TCP4 127.0.0.2 127.0.0.1 {((IPEndPoint)upstream.LocalEndPoint!).Port} {lb.EndPoint.Port}\r\nping";
        Assert.Equal(expected, Encoding.ASCII.GetString(await Net.ReadToEndAsync(server, cancellationToken)));
    }

    private static async Task<(Socket Client, Socket Server)> EstablishedWithHeaderAsync(TcpLbUnderTest lb, TestBackend backend, CancellationToken cancellationToken)
    {
        Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("PROXY TCP4 192.0.2.1 192.0.2.2 1000 80\r\nhello"u8.ToArray(), SocketFlags.None, cancellationToken);
        Socket server = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("hello"u8.ToArray(), await Net.ReadExactlyAsync(server, 5, cancellationToken));
        return (client, server);
    }
}
