using System.Buffers.Binary;
using System.Net;
using System.Text;
using TcpLb.ProxyProtocol.AspNetCore.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Middleware;

/// <summary>
/// <c>IProxyProtocolFeature</c>: the header and its TLVs through typed accessors (rules 15 and 17), owned by the
/// connection, so they stay right after the pipe has reused the memory the header arrived in.
/// </summary>
public sealed class FeatureTests
{
    [Fact]
    public async Task Every_registered_and_cloud_TLV_is_decoded_and_outlives_the_pipe_memory_it_came_in()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        using var endpoint = new InMemoryEndpoint(options => options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.0/8")));
        var connection = new InMemoryConnection();
        connection.Send(Headers.Concat(Headers.V2(tlvs: AllTlvs(), crc32C: true), "GET"u8.ToArray()));

        await endpoint.RunAsync(connection).WaitAsync(deadline.Token);
        connection.Send(Enumerable.Repeat((byte)0xEE, 16 * 1024).ToArray()); // the pipe writes over released memory
        IProxyProtocolFeature feature = connection.Context.Features.Get<IProxyProtocolFeature>()!;

        Assert.Equal(ProxyVersion.V2, feature.Version);
        Assert.Equal(ProxyCommand.Proxy, feature.Command);
        Assert.Equal(Headers.ReportedClient, feature.SourceEndPoint);
        Assert.Equal(Headers.ReportedDestination, feature.DestinationEndPoint);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 40000), feature.ProxyEndPoint);
        Assert.Equal("h2", Encoding.ASCII.GetString(feature.Alpn.Span));
        Assert.Equal("app.test", feature.Authority);
        Assert.Equal("conn-42", Encoding.ASCII.GetString(feature.UniqueId.Span));
        Assert.Equal(ProxySslClient.Ssl | ProxySslClient.CertificateOnConnection, feature.Ssl!.Value.Client);
        Assert.Equal(0u, feature.Ssl.Value.VerifyResult);
        Assert.Equal("TLSv1.3", feature.SslVersion);
        Assert.Equal("Zoë", feature.SslCommonName); // UTF-8
        Assert.Equal("TLS_AES_128_GCM_SHA256", feature.SslCipher);
        Assert.Equal("RSA2048", feature.GetSslText(ProxyTlvType.SslKeyAlgorithm));
        Assert.Equal("vpce-0a1b2c3d", feature.AwsVpcEndpointId);
        Assert.Equal(0x12345678u, feature.AzureLinkId);
        Assert.Equal(0x0102030405060708UL, feature.GcpPscConnectionId);
        Assert.True(feature.TryGetTlv((ProxyTlvType)0xE5, out ProxyTlv custom)); // rule 14: unknown types are kept
        Assert.Equal("custom", Encoding.ASCII.GetString(custom.Value.FirstSpan));
        Assert.Equal("GET", Encoding.ASCII.GetString(connection.ApplicationRead!.Value.Bytes));
    }

    [Fact]
    public async Task A_header_without_TLVs_answers_null_or_empty_for_each()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        using var endpoint = new InMemoryEndpoint(options => options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.0/8")));
        var connection = new InMemoryConnection();
        connection.Send(Headers.Concat(Headers.V1(), new byte[8192]));

        await endpoint.RunAsync(connection).WaitAsync(deadline.Token);
        IProxyProtocolFeature feature = connection.Context.Features.Get<IProxyProtocolFeature>()!;

        Assert.Equal(ProxyVersion.V1, feature.Version);
        Assert.Null(feature.Authority);
        Assert.True(feature.Alpn.IsEmpty);
        Assert.True(feature.UniqueId.IsEmpty);
        Assert.Null(feature.Ssl);
        Assert.Null(feature.SslVersion);
        Assert.Null(feature.AwsVpcEndpointId);
        Assert.Null(feature.AzureLinkId);
        Assert.Null(feature.GcpPscConnectionId);
    }

    [Fact]
    public async Task No_feature_is_set_for_an_untrusted_source_or_a_plain_client()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        using var endpoint = new InMemoryEndpoint(options =>
        {
            options.TrustedNetworks.Add(IPNetwork.Parse("10.0.0.0/8"));
            options.Mode = ProxyProtocolMode.Optional;
        });
        var untrusted = new InMemoryConnection();
        untrusted.Send(Headers.V1());
        var plain = new InMemoryConnection(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 5000));
        plain.Send("GET"u8.ToArray());

        await endpoint.RunAsync(untrusted).WaitAsync(deadline.Token);
        await endpoint.RunAsync(plain).WaitAsync(deadline.Token);

        Assert.Null(untrusted.Context.Features.Get<IProxyProtocolFeature>());
        Assert.StartsWith("PROXY TCP4", Encoding.ASCII.GetString(untrusted.ApplicationRead!.Value.Bytes), StringComparison.Ordinal);
        Assert.Null(plain.Context.Features.Get<IProxyProtocolFeature>());
        Assert.Equal("GET", Encoding.ASCII.GetString(plain.ApplicationRead!.Value.Bytes));
    }

    private static ProxyTlv[] AllTlvs()
    {
        byte[] sslSubTlvs = [
            .. SubTlv(ProxyTlvType.SslVersion, "TLSv1.3"u8),
            .. SubTlv(ProxyTlvType.SslCommonName, "Zoë"u8),
            .. SubTlv(ProxyTlvType.SslCipher, "TLS_AES_128_GCM_SHA256"u8),
            .. SubTlv(ProxyTlvType.SslKeyAlgorithm, "RSA2048"u8)];
        byte[] azure = new byte[5];
        azure[0] = ProxyTlv.AzureLinkIdSubtype;
        BinaryPrimitives.WriteUInt32LittleEndian(azure.AsSpan(1), 0x12345678);
        byte[] gcp = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(gcp, 0x0102030405060708UL);
        return
        [
            new(ProxyTlvType.Alpn, "h2"u8.ToArray()),
            new(ProxyTlvType.Authority, "app.test"u8.ToArray()),
            new(ProxyTlvType.UniqueId, "conn-42"u8.ToArray()),
            new(ProxyTlvType.Ssl, (byte[])[0x03, 0, 0, 0, 0, .. sslSubTlvs]),
            new(ProxyTlvType.Aws, (byte[])[ProxyTlv.AwsVpcEndpointIdSubtype, .. "vpce-0a1b2c3d"u8]),
            new(ProxyTlvType.Azure, azure),
            new(ProxyTlvType.GcpPrivateServiceConnect, gcp),
            new((ProxyTlvType)0xE5, "custom"u8.ToArray()),
        ];
    }

    private static byte[] SubTlv(ProxyTlvType type, ReadOnlySpan<byte> value) =>
        [(byte)type, (byte)(value.Length >> 8), (byte)value.Length, .. value];
}
