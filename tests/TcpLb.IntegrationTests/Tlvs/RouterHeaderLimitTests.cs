using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Inspection;
using TcpLb.ProxyProtocol;
using TcpLb.ProxyProtocol.Tests.Interop;
using TcpLb.Testing;
using TcpLb.UnitTests.Inspection.Support;
using TcpLb.Tlvs;
using Xunit;

namespace TcpLb.IntegrationTests.Tlvs;

/// <summary>
/// The limits <see cref="RouterHeaderLimits"/> documents, measured against the routers installed here: a v2
/// header of exactly the limit is accepted, one byte more is refused. And HAProxy reads the composer's
/// AUTHORITY and UNIQUE_ID back as the SNI and the id TcpLb logs.
/// </summary>
public sealed class RouterHeaderLimitTests
{
    /// <summary>What HAProxy is asked to show of a connection's PROXY header: the client, the AUTHORITY and UNIQUE_ID TLVs.</summary>
    internal const string HaproxyTlvFields = "src=%[src] authority=%[fc_pp_authority] unique-id=%[fc_pp_unique_id]";

    private static readonly byte[] s_request = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\nHost: limits.test\r\n\r\n");

    [Fact]
    public async Task Nginx_stream_takes_a_header_of_107_bytes_and_refuses_108()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        int port = LoopbackPorts.Free();
        using PeerProcess nginx = await Nginx.StartAsync(string.Empty, port, deadline.Token, streamBlock: $$"""
              server { listen 127.0.0.1:{{port}} proxy_protocol; return "client=$proxy_protocol_addr\n"; }
            """);

        Assert.StartsWith("client=10.1.2.3", await FirstAnswerAsync(port, Padded(RouterHeaderLimits.NginxStream), [], deadline.Token), StringComparison.Ordinal);
        Assert.Equal(string.Empty, await FirstAnswerAsync(port, Padded(RouterHeaderLimits.NginxStream + 1), [], deadline.Token));
    }

    [Fact]
    public async Task Nginx_https_takes_a_header_of_108_bytes_and_refuses_109()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var certificate = SelfSignedCertificate.Create("www.example.com");
        int port = LoopbackPorts.Free();
        using PeerProcess nginx = await Nginx.StartAsync($$"""
              server {
                listen 127.0.0.1:{{port}} ssl proxy_protocol;
                ssl_certificate {{certificate.PemPath}};
                ssl_certificate_key {{certificate.PemPath}};
                return 200 "client=$proxy_protocol_addr\n";
              }
            """, port, deadline.Token);

        // Accepted: the ClientHello behind the header gets a ServerHello (a handshake record, 0x16) back.
        string accepted = await FirstAnswerAsync(port, Padded(RouterHeaderLimits.NginxHttps), ClientHelloVectors.OpenSsl, deadline.Token);
        Assert.True(accepted.Length > 0 && accepted[0] == (char)0x16, $"no ServerHello: '{accepted}'\n{nginx.Output}");
        Assert.Equal(string.Empty, await FirstAnswerAsync(port, Padded(RouterHeaderLimits.NginxHttps + 1), ClientHelloVectors.OpenSsl, deadline.Token));
    }

    [Fact]
    public async Task Nginx_http_takes_a_header_that_fits_client_header_buffer_size_and_refuses_one_more_byte()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        int port = LoopbackPorts.Free();
        using PeerProcess nginx = await Nginx.StartAsync($$"""
              server { listen 127.0.0.1:{{port}} proxy_protocol; return 200 "client=$proxy_protocol_addr\n"; }
            """, port, deadline.Token);

        Assert.StartsWith("HTTP/1.1 200", await FirstAnswerAsync(port, Padded(RouterHeaderLimits.NginxHttpDefault), s_request, deadline.Token), StringComparison.Ordinal);
        Assert.Equal(string.Empty, await FirstAnswerAsync(port, Padded(RouterHeaderLimits.NginxHttpDefault + 1), s_request, deadline.Token));
    }

    [Fact]
    public async Task Haproxy_takes_a_header_of_tune_bufsize_and_TLVs_within_its_own_bounds()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        int port = LoopbackPorts.Free();
        using PeerProcess haproxy = await StartHaproxyAsync(port, deadline.Token);

        Assert.StartsWith("HTTP/1.1 200", await FirstAnswerAsync(port, Padded(RouterHeaderLimits.Haproxy), s_request, deadline.Token), StringComparison.Ordinal);
        Assert.Equal(string.Empty, await FirstAnswerAsync(port, Padded(RouterHeaderLimits.Haproxy + 1), s_request, deadline.Token));

        foreach ((ProxyTlvType type, int limit) in new[] { (ProxyTlvType.Authority, RouterHeaderLimits.HaproxyMaxAuthority), (ProxyTlvType.UniqueId, RouterHeaderLimits.HaproxyMaxUniqueId) })
        {
            Assert.StartsWith("HTTP/1.1 200", await FirstAnswerAsync(port, WithTlv(type, limit), s_request, deadline.Token), StringComparison.Ordinal);
            Assert.Equal(string.Empty, await FirstAnswerAsync(port, WithTlv(type, limit + 1), s_request, deadline.Token));
        }
    }

    [Fact]
    public async Task Haproxy_reads_the_composed_AUTHORITY_and_UNIQUE_ID_as_the_SNI_and_the_logged_id()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        int port = LoopbackPorts.Free();
        using PeerProcess haproxy = await StartHaproxyAsync(port, deadline.Token);
        var choice = new ProxyTlvChoice { Authority = true, Alpn = true, UniqueId = true, Crc32C = true };
        ConnectionId id = ConnectionIdGenerator.CreateRandom().Next();
        InspectionResult hello = FirstBytesInspector.Inspect(new ReadOnlySequence<byte>(ClientHelloVectors.SslStream), InspectionAssert.DefaultCap);
        ProxyHeader client = ProxyHeader.ForTcp(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 40000), new IPEndPoint(IPAddress.Loopback, 443));
        byte[] buffer = new byte[ProxyTlvComposer.HeaderBufferLength(choice, 0)];
        int length = ProxyTlvComposer.WriteHeader(buffer, choice, client, hello, id);

        string answer = await ReadAnswerAsync(port, buffer[..length], s_request, deadline.Token);

        Assert.EndsWith($"src=10.1.2.3 authority=ws.example.com unique-id={id}\n", answer, StringComparison.Ordinal);
    }

    private static Task<PeerProcess> StartHaproxyAsync(int port, CancellationToken cancellationToken) => Haproxy.StartAsync($$"""
        frontend router
          mode http
          bind 127.0.0.1:{{port}} accept-proxy
          http-request return status 200 content-type text/plain lf-string "{{HaproxyTlvFields}}\n"
        """, cancellationToken);

    /// <summary>A v2 header from 10.1.2.3 of exactly <paramref name="total"/> bytes: a NOOP TLV fills it.</summary>
    private static byte[] Padded(int total) => Header(ProxyTlvType.Noop, total - 16 - 12 - 3);

    private static byte[] WithTlv(ProxyTlvType type, int valueLength) => Header(type, valueLength);

    private static byte[] Header(ProxyTlvType type, int valueLength)
    {
        byte[] value = new byte[valueLength];
        value.AsSpan().Fill((byte)'a');
        ProxyHeader header = ProxyHeader.ForTcp(
            new IPEndPoint(IPAddress.Parse("10.1.2.3"), 40000), new IPEndPoint(IPAddress.Loopback, 80),
            new ReadOnlySequence<byte>([(byte)type, (byte)(valueLength >> 8), (byte)valueLength, .. value]));
        byte[] bytes = new byte[ProxyHeaderWriter.GetLength(header, ProxyVersion.V2)];
        ProxyHeaderWriter.Write(bytes, header, ProxyVersion.V2);
        return bytes;
    }

    // Header and payload in one write (rule 22); the answer's first bytes, or empty when the router closes without one.
    private static async Task<string> FirstAnswerAsync(int port, byte[] header, byte[] payload, CancellationToken cancellationToken)
    {
        using Socket socket = await Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        await socket.SendAsync((byte[])[.. header, .. payload], SocketFlags.None, cancellationToken);
        byte[] answer = new byte[64];
        try
        {
            int n = await socket.ReceiveAsync(answer, SocketFlags.None, cancellationToken);
            return Encoding.Latin1.GetString(answer, 0, n);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return string.Empty;
        }
    }

    private static async Task<string> ReadAnswerAsync(int port, byte[] header, byte[] payload, CancellationToken cancellationToken)
    {
        using Socket socket = await Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        await socket.SendAsync((byte[])[.. header, .. payload], SocketFlags.None, cancellationToken);
        return Encoding.Latin1.GetString(await Net.ReadToEndAsync(socket, cancellationToken));
    }
}
