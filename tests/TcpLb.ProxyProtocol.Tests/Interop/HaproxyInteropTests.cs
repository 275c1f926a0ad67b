using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Interop;

/// <summary>
/// Headers written by a real HAProxy (send-proxy, send-proxy-v2, proxy-v2-options) parse to the
/// endpoints the test connected from. The client binds 127.0.0.2 so the header's source is provably the
/// client's address, not the proxy's.
/// </summary>
public sealed class HaproxyInteropTests
{
    private static readonly IPAddress s_clientAddress = IPAddress.Parse("127.0.0.2");
    private static readonly byte[] s_payload = Encoding.ASCII.GetBytes("hello through haproxy");

    [Fact]
    public async Task HAProxy_send_proxy_v1_parses_to_the_client_and_listener_endpoints()
    {
        ProxyHeader header = await CaptureThroughHaproxyAsync("send-proxy", tls: false, ProxyVersion.V1);
        Assert.True(header.Tlvs.IsEmpty);
    }

    [Fact]
    public async Task HAProxy_send_proxy_v2_parses_to_the_client_and_listener_endpoints()
    {
        ProxyHeader header = await CaptureThroughHaproxyAsync("send-proxy-v2", tls: false, ProxyVersion.V2);
        Assert.True(header.Tlvs.IsEmpty);
    }

    [Fact]
    public async Task HAProxy_v2_with_unique_id_crc32c_and_ssl_options_parses_and_the_checksum_verifies()
    {
        ProxyHeader header = await CaptureThroughHaproxyAsync(
            "send-proxy-v2 proxy-v2-options authority,unique-id,crc32c,ssl", tls: false, ProxyVersion.V2);

        Assert.True(header.TryGetTlv(ProxyTlvType.Crc32C, out _)); // Complete with VerifyChecksum on: it matched
        Assert.True(header.TryGetTlv(ProxyTlvType.UniqueId, out ProxyTlv uniqueId));
        Assert.True(uniqueId.TryGetUniqueId(out var id));
        Assert.Contains("7F000002", Encoding.ASCII.GetString(id.ToArray()), StringComparison.Ordinal); // %ci of 127.0.0.2
        Assert.True(header.TryGetTlv(ProxyTlvType.Ssl, out ProxyTlv ssl));
        Assert.True(ssl.TryGetSsl(out ProxySslInfo info));
        Assert.Equal(ProxySslClient.None, info.Client); // a plain TCP client
    }

    [Fact]
    public async Task HAProxy_v2_behind_TLS_carries_authority_from_SNI_and_the_SSL_TLV()
    {
        ProxyHeader header = await CaptureThroughHaproxyAsync(
            "send-proxy-v2 proxy-v2-options authority,unique-id,crc32c,ssl", tls: true, ProxyVersion.V2);

        Assert.True(header.TryGetTlv(ProxyTlvType.Authority, out ProxyTlv authority));
        Assert.True(authority.TryGetAuthority(out string? host));
        Assert.Equal("example.test", host);
        Assert.True(header.TryGetTlv(ProxyTlvType.Ssl, out ProxyTlv ssl));
        Assert.True(ssl.TryGetSsl(out ProxySslInfo info));
        Assert.True(info.Client.HasFlag(ProxySslClient.Ssl));
        Assert.True(info.TryGetSubTlv(ProxyTlvType.SslVersion, out ProxyTlv version));
        Assert.True(version.TryGetString(ProxyTlvType.SslVersion, out string? tlsVersion));
        Assert.StartsWith("TLSv1.", tlsVersion, StringComparison.Ordinal);
        Assert.True(header.TryGetTlv(ProxyTlvType.Crc32C, out _));
    }

    // The client from 127.0.0.2. A refused connect is tried again (at most 50 times, 100 ms apart): in a CI run the
    // readiness probe once reached its port while HAProxy's listener under test still refused.
    private static async Task<Socket> ConnectFromClientAddressAsync(int port, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                client.Bind(new IPEndPoint(s_clientAddress, 0));
                await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return client;
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionRefused && attempt < 50)
            {
                client.Dispose();
                await Task.Delay(100, cancellationToken);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }
    }

    private static async Task<ProxyHeader> CaptureThroughHaproxyAsync(string serverOptions, bool tls, ProxyVersion expectedVersion)
    {
        PeerProcess.Require("haproxy");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = timeout.Token;

        using var backend = new HeaderCapturingBackend();
        using var certificate = tls ? SelfSignedCertificate.Create("example.test") : null;
        int port = LoopbackPorts.Free();
        string bindOptions = certificate is null ? string.Empty : $" ssl crt {certificate.PemPath}";
        using PeerProcess haproxy = await Haproxy.StartAsync($$"""
            listen under_test
              bind 127.0.0.1:{{port}}{{bindOptions}}
              unique-id-format %{+X}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid
              server router {{backend.EndPoint}} {{serverOptions}}
            """, cancellationToken);

        using Socket client = await ConnectFromClientAddressAsync(port, cancellationToken);
        await using var stream = new NetworkStream(client, ownsSocket: false);
        Task<(ProxyParseResult Result, ProxyHeader Header, byte[] s_payload)> capture = backend.CaptureAsync(s_payload.Length, cancellationToken);
        if (certificate is null)
        {
            await stream.WriteAsync(s_payload, cancellationToken);
        }
        else
        {
            // Trust exactly the certificate this test made, nothing else.
            await using var ssl = new SslStream(stream, leaveInnerStreamOpen: true, (_, presented, _, _) => presented?.GetCertHashString() == certificate.Thumbprint);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "example.test" }, cancellationToken);
            await ssl.WriteAsync(s_payload, cancellationToken);
            await ssl.FlushAsync(cancellationToken);
        }

        (ProxyParseResult result, ProxyHeader header, byte[] payload) = await capture;

        Assert.Equal(expectedVersion, header.Version);
        Assert.Equal(ProxyCommand.Proxy, header.Command);
        Assert.True(header.DescribesTcpConnection);
        Assert.Equal(client.LocalEndPoint, header.GetSourceEndPoint());
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), header.GetDestinationEndPoint());
        Assert.Equal(header.Length, result.BytesConsumed);
        Assert.Equal(s_payload, payload);
        return header;
    }
}
