using System.Buffers;
using System.Net;
using TcpLb.ProxyProtocol.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Rules;

/// <summary>Rules 13-17: TLVs, CRC32C, the registered and cloud types.</summary>
public sealed class TlvRuleTests
{
    private const string InetPrefix = """
        0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A # signature
        21 11                               # PROXY, INET, STREAM
        """;

    private const string InetAddresses = """
        7F 00 00 02    # source 127.0.0.2
        7F 00 00 01    # destination 127.0.0.1
        9C 40 1F 90    # ports 40000, 8080
        """;

    private static byte[] InetWithTlvs(string tlvHex)
    {
        byte[] tlvs = Hex.Parse(tlvHex);
        int length = 12 + tlvs.Length;
        return [.. Hex.Parse(InetPrefix), (byte)(length >> 8), (byte)length, .. Hex.Parse(InetAddresses), .. tlvs];
    }

    [Theory]
    [InlineData("01 00 03 68 32")] // declares 3, carries 2
    [InlineData("01 00")] // the length itself is cut
    [InlineData("01")]
    [InlineData("01 00 02 68 32 05")] // a second TLV cut after its type
    [InlineData("20 FF FF 00")]
    public void Rule13_a_TLV_running_past_the_end_of_the_header_makes_the_header_invalid(string tlvs)
    {
        Assert.Equal(ProxyHeaderError.V2TlvOverrun, ParserAssert.Invalid(InetWithTlvs(tlvs)));
    }

    [Fact]
    public void Rule13_a_LOCAL_header_with_a_TLV_overrun_is_invalid()
    {
        byte[] bytes = Hex.Parse("""
            0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A # signature
            20 00 00 04                         # LOCAL, UNSPEC, len 4
            04 00 05 00                         # NOOP declaring 5 bytes, carrying 1
            """);
        Assert.Equal(ProxyHeaderError.V2TlvOverrun, ParserAssert.Invalid(bytes));
    }

    [Fact]
    public void Rule14_unknown_TLV_types_are_skipped_and_kept_for_pass_through()
    {
        ProxyHeader header = ParserAssert.Complete(InetWithTlvs("""
            F0 00 01 AA    # experimental 0xF0
            FF 00 00       # reserved 0xFF, empty
            01 00 02 68 32 # ALPN h2
            """));

        ProxyTlv[] tlvs = Enumerate(header);
        Assert.Equal([(ProxyTlvType)0xF0, (ProxyTlvType)0xFF, ProxyTlvType.Alpn], tlvs.Select(t => t.Type));
        Assert.Equal([0xAA], tlvs[0].Value.ToArray());
    }

    [Fact]
    public void Rule15_every_registered_type_has_a_typed_accessor()
    {
        ProxyHeader header = ParserAssert.Complete(InetWithTlvs("""
            01 00 02 68 32                         # ALPN "h2"
            02 00 0B 65 78 61 6D 70 6C 65 2E 63 6F 6D # AUTHORITY "example.com"
            04 00 02 00 00                         # NOOP, 2 bytes
            05 00 04 DE AD BE EF                   # UNIQUE_ID
            30 00 03 6E 73 31                      # NETNS "ns1"
            """));

        Assert.True(header.TryGetTlv(ProxyTlvType.Alpn, out ProxyTlv alpn));

        Assert.True(alpn.TryGetAlpn(out ReadOnlySequence<byte> protocol));
        Assert.Equal("h2"u8.ToArray(), protocol.ToArray());
        Assert.True(header.TryGetTlv(ProxyTlvType.Authority, out ProxyTlv authority));
        Assert.True(authority.TryGetAuthority(out string? host));
        Assert.Equal("example.com", host);
        Assert.True(header.TryGetTlv(ProxyTlvType.Noop, out ProxyTlv noop));
        Assert.True(noop.IsNoop);
        Assert.True(header.TryGetTlv(ProxyTlvType.UniqueId, out ProxyTlv unique));
        Assert.True(unique.TryGetUniqueId(out ReadOnlySequence<byte> id));
        Assert.Equal([0xDE, 0xAD, 0xBE, 0xEF], id.ToArray());
        Assert.True(header.TryGetTlv(ProxyTlvType.NetworkNamespace, out ProxyTlv netns));
        Assert.True(netns.TryGetNetworkNamespace(out string? ns));
        Assert.Equal("ns1", ns);
        Assert.False(alpn.TryGetAuthority(out _)); // an accessor of another type says no
    }

    [Fact]
    public void Rule15_SSL_carries_client_flags_verify_result_and_sub_TLVs()
    {
        ProxyHeader header = ParserAssert.Complete(InetWithTlvs("""
            20 00 2C                       # SSL, 44 bytes
              07                           # client: SSL | CERT_CONN | CERT_SESS
              00 00 00 00                  # verify: 0 = verified
              21 00 07 54 4C 53 76 31 2E 33  # SSL_VERSION "TLSv1.3"
              22 00 03 62 6F 62            # SSL_CN "bob"
              23 00 06 41 45 53 32 35 36   # SSL_CIPHER "AES256"
              26 00 06 58 32 35 35 31 39   # SSL_GROUP "X25519"
              28 00 02 30 00               # SSL_CLIENT_CERT (DER, truncated sample)
            """));

        Assert.True(header.TryGetTlv(ProxyTlvType.Ssl, out ProxyTlv tlv));
        Assert.True(tlv.TryGetSsl(out ProxySslInfo ssl));
        Assert.Equal(ProxySslClient.Ssl | ProxySslClient.CertificateOnConnection | ProxySslClient.CertificateOnSession, ssl.Client);
        Assert.Equal(0u, ssl.VerifyResult);
        Assert.True(ssl.TryGetSubTlv(ProxyTlvType.SslVersion, out ProxyTlv version));
        Assert.True(version.TryGetString(ProxyTlvType.SslVersion, out string? v));
        Assert.Equal("TLSv1.3", v);
        Assert.True(ssl.TryGetSubTlv(ProxyTlvType.SslCommonName, out ProxyTlv cn));
        Assert.True(cn.TryGetString(ProxyTlvType.SslCommonName, out string? name));
        Assert.Equal("bob", name);
        Assert.True(ssl.TryGetSubTlv(ProxyTlvType.SslCipher, out ProxyTlv cipher));
        Assert.True(cipher.TryGetString(ProxyTlvType.SslCipher, out string? c));
        Assert.Equal("AES256", c);
        Assert.True(ssl.TryGetSubTlv(ProxyTlvType.SslGroup, out ProxyTlv group));
        Assert.True(group.TryGetString(ProxyTlvType.SslGroup, out string? g));
        Assert.Equal("X25519", g);
        Assert.True(ssl.TryGetSubTlv(ProxyTlvType.SslClientCertificate, out ProxyTlv cert));
        Assert.Equal([0x30, 0x00], cert.Value.ToArray());
        Assert.False(ssl.TryGetSubTlv(ProxyTlvType.SslKeyAlgorithm, out _));
    }

    [Fact]
    public void Rule15_an_SSL_TLV_too_short_for_its_fixed_part_is_reported_as_unreadable_not_thrown()
    {
        ProxyHeader header = ParserAssert.Complete(InetWithTlvs("20 00 03 01 00 00"));
        Assert.True(header.TryGetTlv(ProxyTlvType.Ssl, out ProxyTlv tlv));
        Assert.False(tlv.TryGetSsl(out _));
    }

    [Fact]
    public void Rule15_UNIQUE_ID_longer_than_128_bytes_is_not_returned_as_an_id_and_is_never_written()
    {
        ProxyHeader header = ParserAssert.Complete(InetWithTlvs("05 00 81 " + new string('A', 129 * 2)));
        Assert.True(header.TryGetTlv(ProxyTlvType.UniqueId, out ProxyTlv tlv));
        Assert.False(tlv.TryGetUniqueId(out _));

        var tooLong = new ProxyTlv(ProxyTlvType.UniqueId, new byte[129]);
        Assert.Throws<ArgumentException>(() => ProxyHeaderWriter.Write(new byte[512], ProxyHeader.Local(), ProxyVersion.V2, [tooLong]));
    }

    [Fact]
    public void Rule16_a_header_whose_CRC32C_matches_is_accepted()
    {
        // 0x644CE5E6 computed by hand (bitwise CRC-32C) over the header with the value zeroed.
        ProxyHeader header = ParserAssert.Complete(InetWithTlvs("03 00 04 64 4C E5 E6"));
        Assert.True(header.TryGetTlv(ProxyTlvType.Crc32C, out ProxyTlv crc));
        Assert.True(crc.TryGetCrc32C(out uint value));
        Assert.Equal(0x644CE5E6u, value);
    }

    [Fact]
    public void Rule16_a_CRC32C_mismatch_makes_the_connection_invalid()
    {
        Assert.Equal(ProxyHeaderError.V2ChecksumMismatch, ParserAssert.Invalid(InetWithTlvs("03 00 04 64 4C E5 E7")));
    }

    [Fact]
    public void Rule16_a_CRC32C_mismatch_is_ignored_when_the_receiver_does_not_check()
    {
        var options = new ProxyHeaderParserOptions { VerifyChecksum = false };
        ParserAssert.Complete(InetWithTlvs("03 00 04 00 00 00 00"), options);
    }

    [Fact]
    public void Rule15_a_CRC32C_TLV_that_is_not_4_bytes_is_invalid()
    {
        Assert.Equal(ProxyHeaderError.V2ChecksumMalformed, ParserAssert.Invalid(InetWithTlvs("03 00 03 64 4C E5")));
    }

    [Fact]
    public void Rule16_the_writer_computes_the_same_CRC32C_as_the_hand_computed_vector()
    {
        byte[] expected = InetWithTlvs("03 00 04 64 4C E5 E6");
        byte[] buffer = new byte[64];
        int written = ProxyHeaderWriter.WriteV2(buffer, IPEndPoint.Parse("127.0.0.2:40000"), IPEndPoint.Parse("127.0.0.1:8080"), crc32C: true);
        Assert.Equal(expected, buffer[..written]);
    }

    [Fact]
    public void Rule17_AWS_VPC_endpoint_id_is_decoded()
    {
        ProxyHeader header = ParserAssert.Complete(InetWithTlvs("""
            EA 00 17 01                                       # AWS, 23 bytes, sub-type 0x01
            76 70 63 65 2D 30 38 64 32 62 66 31 35 66 61 63 35 30 30 31 63 39 # "vpce-08d2bf15fac5001c9"
            """));
        Assert.True(header.TryGetTlv(ProxyTlvType.Aws, out ProxyTlv aws));
        Assert.True(aws.TryGetAwsVpcEndpointId(out string? id));
        Assert.Equal("vpce-08d2bf15fac5001c9", id);
    }

    [Fact]
    public void Rule17_Azure_LinkID_is_decoded_little_endian()
    {
        ProxyHeader header = ParserAssert.Complete(InetWithTlvs("EE 00 05 01 78 56 34 12"));
        Assert.True(header.TryGetTlv(ProxyTlvType.Azure, out ProxyTlv azure));
        Assert.True(azure.TryGetAzureLinkId(out uint linkId));
        Assert.Equal(0x12345678u, linkId);
    }

    [Fact]
    public void Rule17_GCP_PSC_connection_id_is_decoded_big_endian()
    {
        ProxyHeader header = ParserAssert.Complete(InetWithTlvs("E0 00 08 01 02 03 04 05 06 07 08"));
        Assert.True(header.TryGetTlv(ProxyTlvType.GcpPrivateServiceConnect, out ProxyTlv gcp));
        Assert.True(gcp.TryGetGcpPscConnectionId(out ulong id));
        Assert.Equal(0x0102030405060708UL, id);
    }

    [Fact]
    public void Rule17_cloud_TLVs_pass_through_untouched_when_forwarded()
    {
        byte[] original = InetWithTlvs("EA 00 04 01 61 62 63   EE 00 05 01 78 56 34 12   E0 00 08 01 02 03 04 05 06 07 08");
        ProxyHeader header = ParserAssert.Complete(original).ToOwned();

        byte[] buffer = new byte[128];
        int written = ProxyHeaderWriter.Write(buffer, header, ProxyVersion.V2);

        Assert.Equal(original, buffer[..written]);
    }

    [Fact]
    public async Task ToOwned_of_a_header_without_TLVs_keeps_nothing_of_the_pipe_after_the_reader_advances()
    {
        // The header and more than a segment of payload: advancing past them returns the header's segment to the
        // pipe's pool, which empties it. A header kept as an empty slice of that segment would then throw.
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync(InetWithTlvs("").Concat(new byte[8192]).ToArray(), TestContext.Current.CancellationToken);
        System.IO.Pipelines.ReadResult read = await pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.False(read.Buffer.IsSingleSegment);
        ProxyHeader owned = ProxyHeaderParser.Parse(read.Buffer).Header.ToOwned();
        pipe.Reader.AdvanceTo(read.Buffer.End);

        Assert.True(owned.Tlvs.IsEmpty);
        Assert.Empty(Enumerate(owned));
    }

    private static ProxyTlv[] Enumerate(ProxyHeader header)
    {
        var list = new List<ProxyTlv>();
        foreach (ProxyTlv tlv in header.EnumerateTlvs())
        {
            list.Add(tlv);
        }

        return [.. list];
    }
}
