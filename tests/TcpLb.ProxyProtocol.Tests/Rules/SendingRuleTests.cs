using System.Buffers;
using System.Net;
using TcpLb.ProxyProtocol.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Rules;

/// <summary>Rules 22-25: what a sender writes.</summary>
public sealed class SendingRuleTests
{
    [Fact]
    public void Rule22_header_and_first_payload_bytes_go_into_one_buffer_for_one_write()
    {
        var writer = new ArrayBufferWriter<byte>();
        ProxyHeader header = ProxyHeader.ForTcp(IPEndPoint.Parse("127.0.0.2:40000"), IPEndPoint.Parse("127.0.0.1:8080"));
        byte[] firstBytes = Hex.Ascii("GET / HTTP/1.1\r\n");

        int written = ProxyHeaderWriter.Write(writer, header, ProxyVersion.V2);
        writer.Write(firstBytes);

        Assert.Equal(28, written);
        Assert.Equal(28 + firstBytes.Length, writer.WrittenCount);
        ProxyParseResult result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(writer.WrittenMemory));
        Assert.Equal(header, result.Header);
        Assert.Equal(firstBytes, new ReadOnlySequence<byte>(writer.WrittenMemory).Slice(result.Consumed).ToArray());
    }

    [Fact]
    public void Rule23_mixed_families_are_written_as_IPv6_with_the_IPv4_address_mapped()
    {
        ProxyHeader header = ProxyHeader.ForTcp(IPEndPoint.Parse("192.0.2.1:1000"), IPEndPoint.Parse("[2001:db8::2]:443"));
        byte[] buffer = new byte[256];

        int written = ProxyHeaderWriter.Write(buffer, header, ProxyVersion.V1);
        Assert.Equal(Hex.Ascii("PROXY TCP6 ::ffff:192.0.2.1 2001:db8::2 1000 443\r\n"), buffer[..written]);

        written = ProxyHeaderWriter.Write(buffer, header, ProxyVersion.V2);
        Assert.Equal(Hex.Parse("""
            0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A              # signature
            21 21 00 24                                      # PROXY, INET6, STREAM, len 36
            00 00 00 00 00 00 00 00 00 00 FF FF C0 00 02 01  # ::ffff:192.0.2.1
            20 01 0D B8 00 00 00 00 00 00 00 00 00 00 00 02  # 2001:db8::2
            03 E8 01 BB                                      # ports 1000, 443
            """), buffer[..written]);
    }

    [Fact]
    public void Rule23_two_IPv4_mapped_addresses_are_written_as_IPv4()
    {
        // What a dual-stack listener reports for an IPv4 client.
        ProxyHeader header = ProxyHeader.ForTcp(IPEndPoint.Parse("[::ffff:192.0.2.1]:1000"), IPEndPoint.Parse("[::ffff:198.51.100.7]:443"));
        byte[] buffer = new byte[256];

        int written = ProxyHeaderWriter.Write(buffer, header, ProxyVersion.V1);
        Assert.Equal(Hex.Ascii("PROXY TCP4 192.0.2.1 198.51.100.7 1000 443\r\n"), buffer[..written]);

        written = ProxyHeaderWriter.Write(buffer, header, ProxyVersion.V2);
        Assert.Equal(Hex.Parse("""
            0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A  # signature
            21 11 00 0C                          # PROXY, INET, STREAM, len 12
            C0 00 02 01 C6 33 64 07              # 192.0.2.1, 198.51.100.7
            03 E8 01 BB                          # ports 1000, 443
            """), buffer[..written]);
    }

    [Fact]
    public void Rule23_one_mapped_and_one_plain_IPv4_address_are_written_as_IPv4()
    {
        ProxyHeader header = ProxyHeader.ForTcp(IPEndPoint.Parse("[::ffff:192.0.2.1]:1000"), IPEndPoint.Parse("198.51.100.7:443"));
        Assert.Equal(ProxyAddressFamily.InterNetwork, header.Family);
    }

    [Fact]
    public void Rule24_forwarding_writes_the_upstream_reported_client_and_the_TLVs_kept()
    {
        // An upstream (e.g. AWS NLB) reported client 203.0.113.9:5555 with a VPC endpoint TLV and a CRC.
        byte[] fromUpstream = Hex.Parse("""
            0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A  # signature
            21 11 00 19                          # PROXY, INET, STREAM, len 25 = 12 + 6 + 7
            CB 00 71 09 0A 00 00 05              # 203.0.113.9 -> 10.0.0.5
            15 B3 00 50                          # ports 5555, 80
            EA 00 03 01 61 62                    # AWS VPC endpoint id "ab"
            03 00 04 00 00 00 00                 # CRC32C (unchecked here)
            """);
        ProxyHeader received = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(fromUpstream), new ProxyHeaderParserOptions { VerifyChecksum = false }).Header.ToOwned();

        byte[] buffer = new byte[256];
        int written = ProxyHeaderWriter.Write(buffer, received, ProxyVersion.V2);

        // The stale CRC is dropped; addresses and the AWS TLV are the upstream's report, untouched.
        Assert.Equal(Hex.Parse("""
            0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A  # signature
            21 11 00 12                          # PROXY, INET, STREAM, len 18 = 12 + 6
            CB 00 71 09 0A 00 00 05              # 203.0.113.9 -> 10.0.0.5
            15 B3 00 50                          # ports 5555, 80
            EA 00 03 01 61 62                    # AWS VPC endpoint id "ab"
            """), buffer[..written]);

        written = ProxyHeaderWriter.Write(buffer, received, ProxyVersion.V1);
        Assert.Equal(Hex.Ascii("PROXY TCP4 203.0.113.9 10.0.0.5 5555 80\r\n"), buffer[..written]);
    }

    [Fact]
    public void Rule25_health_checks_send_v2_LOCAL_or_v1_UNKNOWN()
    {
        byte[] buffer = new byte[64];

        int written = ProxyHeaderWriter.Write(buffer, ProxyHeader.Local(), ProxyVersion.V2);
        Assert.Equal(Hex.Parse("""
            0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A  # signature
            20 00 00 00                          # LOCAL, UNSPEC, len 0
            """), buffer[..written]);

        written = ProxyHeaderWriter.Write(buffer, ProxyHeader.Local(), ProxyVersion.V1);
        Assert.Equal(Hex.Ascii("PROXY UNKNOWN\r\n"), buffer[..written]);
    }

    [Fact]
    public void Rule25_LOCAL_with_a_CRC32C_like_HAProxy_checks_send_parses_and_verifies()
    {
        byte[] buffer = new byte[64];
        int written = ProxyHeaderWriter.Write(buffer, ProxyHeader.Local(), ProxyVersion.V2, crc32C: true);

        Assert.Equal(23, written);
        Assert.Equal(Hex.Parse("20 00 00 07 03 00 04"), buffer[12..19]);
        ProxyHeader parsed = ParserAssert.Complete(buffer[..written]);
        Assert.Equal(ProxyCommand.Local, parsed.Command);
    }

    [Fact]
    public void Rule25_v2_UNSPEC_PROXY_is_the_v2_form_of_UNKNOWN()
    {
        byte[] buffer = new byte[64];
        int written = ProxyHeaderWriter.Write(buffer, ProxyHeader.Unknown(), ProxyVersion.V2);
        Assert.Equal(Hex.Parse("0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A 21 00 00 00"), buffer[..written]);
    }

    [Fact]
    public void Writing_v1_with_TLVs_or_CRC_is_refused_rather_than_silently_dropped()
    {
        var alpn = new ProxyTlv(ProxyTlvType.Alpn, "h2"u8.ToArray());
        ProxyHeader header = ProxyHeader.ForTcp(IPEndPoint.Parse("1.2.3.4:1"), IPEndPoint.Parse("5.6.7.8:2"));
        Assert.Throws<ArgumentException>(() => ProxyHeaderWriter.Write(new byte[128], header, ProxyVersion.V1, [alpn]));
        Assert.Throws<ArgumentException>(() => ProxyHeaderWriter.Write(new byte[128], header, ProxyVersion.V1, crc32C: true));
    }

    [Fact]
    public void A_v2_header_over_16_plus_65535_bytes_is_refused()
    {
        var big = new ProxyTlv((ProxyTlvType)0xE5, new byte[65535 - 12 - 3 + 1]);
        ProxyHeader header = ProxyHeader.ForTcp(IPEndPoint.Parse("1.2.3.4:1"), IPEndPoint.Parse("5.6.7.8:2"));
        Assert.Throws<ArgumentException>(() => ProxyHeaderWriter.GetLength(header, ProxyVersion.V2, [big]));
    }
}
