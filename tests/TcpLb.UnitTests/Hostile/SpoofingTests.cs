using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Configuration;
using TcpLb.ProxyProtocol;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Hostile;

/// <summary>
/// Rule 20: only sources inside <c>--accept-proxy-from</c> may tell TcpLb who the client is. A PROXY header from any
/// other source, in any version or form, on an IPv4 or a dual-stack listener, is never honoured: with
/// <c>--allow-direct</c> it is the client's data and the router learns the real source; without, the connection is
/// refused and nothing reaches a router. In-process server, real loopback sockets from distinct source addresses.
/// </summary>
public sealed class SpoofingTests
{
    private static readonly IPAddress s_trusted = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress s_untrusted = IPAddress.Parse("127.0.0.3");
    private static readonly IPEndPoint s_spoofed = IPEndPoint.Parse("203.0.113.9:5555");

    public static TheoryData<string> Listeners => ["127.0.0.1", "::"];

    [Theory]
    [MemberData(nameof(Listeners))]
    public async Task With_allow_direct_a_header_from_outside_is_passed_on_as_data_and_the_router_learns_the_real_source(string listen)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await StartAsync(backend, listen, allowDirect: true);
        IPEndPoint target = new(IPAddress.Loopback, lb.EndPoint.Port);

        foreach (byte[] spoof in SpoofedHeaders())
        {
            byte[] sent = [.. spoof, .. "GET / HTTP/1.1\r\n\r\n"u8.ToArray()];
            using Socket client = await Net.ConnectAsync(target, cancellationToken, from: s_untrusted);
            await client.SendAsync(sent, SocketFlags.None, cancellationToken);
            client.Shutdown(SocketShutdown.Send);
            using Socket server = await backend.AcceptAsync(cancellationToken);
            byte[] received = await Net.ReadToEndAsync(server, cancellationToken);

            // The header TcpLb sends names the real source; what the client sent follows untouched, as data.
            string line = Encoding.ASCII.GetString(received, 0, Array.IndexOf(received, (byte)'\n') + 1);
            Assert.Equal($"PROXY TCP4 127.0.0.3 127.0.0.1 {((IPEndPoint)client.LocalEndPoint!).Port} {lb.EndPoint.Port}\r\n", line);
            Assert.Equal(sent, received[line.Length..]);
        }

        Assert.Equal(0, lb.Logs.Lines.Count(l => l.EventId is 102 or 104));
    }

    [Theory]
    [MemberData(nameof(Listeners))]
    public async Task Without_allow_direct_a_header_from_outside_is_refused_and_nothing_reaches_a_router(string listen)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await StartAsync(backend, listen, allowDirect: false);
        IPEndPoint target = new(IPAddress.Loopback, lb.EndPoint.Port);

        foreach (byte[] spoof in SpoofedHeaders())
        {
            Assert.Equal("reset", await SendAndReadEndAsync(target, spoof, cancellationToken));
        }

        Assert.False(backend.HasPendingConnection(TimeSpan.FromMilliseconds(200)), "a spoofed header reached a router");
        Assert.Equal(0, lb.Logs.Lines.Count(l => l.EventId == 102)); // refused for its source, never parsed
    }

    [Theory]
    [MemberData(nameof(Listeners))]
    public async Task The_same_headers_from_the_trusted_upstream_are_honoured(string listen)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await StartAsync(backend, listen, allowDirect: false);
        IPEndPoint target = new(IPAddress.Loopback, lb.EndPoint.Port);

        foreach (byte[] spoof in SpoofedHeaders())
        {
            using Socket client = await Net.ConnectAsync(target, cancellationToken, from: s_trusted);
            await client.SendAsync((byte[])[.. spoof, .. "x"u8.ToArray()], SocketFlags.None, cancellationToken);
            client.Shutdown(SocketShutdown.Send);
            using Socket server = await backend.AcceptAsync(cancellationToken);
            string received = Encoding.ASCII.GetString(await Net.ReadToEndAsync(server, cancellationToken));
            Assert.StartsWith("PROXY TCP", received, StringComparison.Ordinal);
            Assert.Contains("203.0.113.9", received.Split('\n')[0], StringComparison.Ordinal);
        }
    }

    // Refused at once: the reset may beat the connect's completion or the send, which then fail with it.
    private static async Task<string> SendAndReadEndAsync(IPEndPoint target, byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            using Socket client = await Net.ConnectAsync(target, cancellationToken, from: s_untrusted);
            await client.SendAsync(bytes, SocketFlags.None, cancellationToken);
            return await Net.ReadEndAsync(client, cancellationToken);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return "reset";
        }
    }

    private static Task<TcpLbUnderTest> StartAsync(TestBackend backend, string listen, bool allowDirect) =>
        TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with
        {
            Listen = [new IPEndPoint(IPAddress.Parse(listen), 0)],
            AcceptProxyFrom = [new IPNetwork(s_trusted, 32)],
            AllowDirect = allowDirect,
            SendProxy = ProxySendMode.V1,
        });

    // The same lie in every form a receiver reads: v1 TCP4/TCP6, v2 INET/INET6, with TLVs, with a CRC32C.
    private static IEnumerable<byte[]> SpoofedHeaders()
    {
        IPEndPoint destination = IPEndPoint.Parse("198.51.100.1:443");
        byte[] buffer = new byte[256];
        yield return buffer[..ProxyHeaderWriter.WriteV1(buffer, s_spoofed, destination)];
        yield return buffer[..ProxyHeaderWriter.WriteV1(buffer, new IPEndPoint(s_spoofed.Address.MapToIPv6(), s_spoofed.Port), IPEndPoint.Parse("[2001:db8::1]:443"))];
        yield return buffer[..ProxyHeaderWriter.WriteV2(buffer, s_spoofed, destination)];
        yield return buffer[..ProxyHeaderWriter.WriteV2(buffer, new IPEndPoint(s_spoofed.Address.MapToIPv6(), s_spoofed.Port), IPEndPoint.Parse("[2001:db8::1]:443"))];
        yield return buffer[..ProxyHeaderWriter.WriteV2(buffer, s_spoofed, destination, [new ProxyTlv(ProxyTlvType.Authority, new ReadOnlyMemory<byte>("bank.example"u8.ToArray()))], crc32C: true)];
    }
}
