using System.Buffers;
using System.Net;
using TcpLb.ProxyProtocol.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Rules;

/// <summary>Rules 7-12: the v2 binary header.</summary>
public sealed class V2RuleTests
{
    private const string Signature = "0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A  # signature\n";

    private static readonly byte[] s_inet = Hex.Parse(Signature + """
        21             # version 2, command PROXY
        11             # INET, STREAM
        00 0C          # len 12
        C0 A8 00 01    # source 192.168.0.1
        C0 A8 00 0B    # destination 192.168.0.11
        DC 04          # source port 56324
        01 BB          # destination port 443
        """);

    private static readonly byte[] s_inet6 = Hex.Parse(Signature + """
        21                                              # version 2, command PROXY
        21                                              # INET6, STREAM
        00 24                                           # len 36
        20 01 0D B8 00 00 00 00 00 00 00 00 00 00 00 01 # source 2001:db8::1
        20 01 0D B8 00 00 00 00 00 00 00 00 00 00 00 02 # destination 2001:db8::2
        DC 04                                           # source port 56324
        01 BB                                           # destination port 443
        """);

    [Fact]
    public void Rule07_parses_version_2_PROXY_over_INET()
    {
        ProxyHeader header = ParserAssert.Complete(s_inet);

        Assert.Equal(ProxyVersion.V2, header.Version);
        Assert.Equal(ProxyCommand.Proxy, header.Command);
        Assert.Equal(ProxyAddressFamily.InterNetwork, header.Family);
        Assert.Equal(ProxyTransport.Stream, header.Transport);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.0.1"), 56324), header.GetSourceEndPoint());
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.0.11"), 443), header.GetDestinationEndPoint());
        Assert.True(header.Tlvs.IsEmpty);
    }

    [Theory]
    [InlineData(0x11)] // version 1 in the binary form
    [InlineData(0x31)]
    [InlineData(0xF1)]
    [InlineData(0x01)]
    public void Rule07_refuses_a_version_nibble_other_than_2(byte versionCommand)
    {
        byte[] bytes = (byte[])s_inet.Clone();
        bytes[12] = versionCommand;
        Assert.Equal(ProxyHeaderError.V2BadVersion, ParserAssert.Invalid(bytes));
    }

    [Theory]
    [InlineData(0x22)]
    [InlineData(0x2F)]
    public void Rule07_refuses_a_command_other_than_LOCAL_or_PROXY(byte versionCommand)
    {
        byte[] bytes = (byte[])s_inet.Clone();
        bytes[12] = versionCommand;
        Assert.Equal(ProxyHeaderError.V2BadCommand, ParserAssert.Invalid(bytes));
    }

    [Theory]
    [InlineData(0x01)] // UNSPEC family with STREAM
    [InlineData(0x10)] // INET with UNSPEC transport
    [InlineData(0x13)] // transport 3
    [InlineData(0x41)] // family 4
    [InlineData(0xF1)]
    [InlineData(0x20)]
    public void Rule08_refuses_undefined_family_transport_combinations(byte familyTransport)
    {
        byte[] bytes = (byte[])s_inet.Clone();
        bytes[13] = familyTransport;
        Assert.Equal(ProxyHeaderError.V2BadFamilyOrTransport, ParserAssert.Invalid(bytes));
    }

    [Fact]
    public void Rule08_a_UNIX_header_is_accepted_and_treated_as_UNSPEC_by_a_TCP_receiver()
    {
        byte[] bytes = Hex.Parse(Signature + """
            21       # PROXY
            31       # UNIX, STREAM
            00 D8    # len 216
            2F 74 6D 70 00 # source path "/tmp", NUL-padded to 108 bytes, then the destination path
            """ + "\n" + new string('0', (216 - 5) * 2));
        ProxyHeader header = ParserAssert.Complete(bytes);

        Assert.Equal(ProxyAddressFamily.Unix, header.Family);
        Assert.False(header.DescribesTcpConnection);
        Assert.Equal(ProxyAddress.None, header.SourceAddress);
    }

    [Fact]
    public void Rule08_an_INET_DGRAM_header_is_accepted_and_treated_as_UNSPEC_by_a_TCP_receiver()
    {
        byte[] bytes = (byte[])s_inet.Clone();
        bytes[13] = 0x12; // INET, DGRAM
        ProxyHeader header = ParserAssert.Complete(bytes);

        Assert.Equal(ProxyTransport.Datagram, header.Transport);
        Assert.Equal(ProxyAddress.FromIPv4(0xC0A80001), header.SourceAddress); // still readable for a UDP receiver
        Assert.False(header.DescribesTcpConnection);
        Assert.Null(header.GetSourceEndPoint());
    }

    [Fact]
    public void Rule09_parses_the_36_byte_INET6_block()
    {
        ProxyHeader header = ParserAssert.Complete(s_inet6);

        Assert.Equal(ProxyAddressFamily.InterNetworkV6, header.Family);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), header.SourceAddress.ToIPAddress());
        Assert.Equal(IPAddress.Parse("2001:db8::2"), header.DestinationAddress.ToIPAddress());
        Assert.Equal(56324, header.SourcePort);
        Assert.Equal(443, header.DestinationPort);
    }

    [Theory]
    [InlineData(0x11, 11)] // INET needs 12
    [InlineData(0x21, 35)] // INET6 needs 36
    [InlineData(0x31, 215)] // UNIX needs 216
    [InlineData(0x21, 12)] // an INET-sized block under an INET6 family
    public void Rule09_refuses_a_len_shorter_than_the_family_address_block(byte familyTransport, int length)
    {
        byte[] bytes = new byte[16 + length];
        s_inet.AsSpan(0, 12).CopyTo(bytes);
        bytes[12] = 0x21;
        bytes[13] = familyTransport;
        bytes[14] = (byte)(length >> 8);
        bytes[15] = (byte)length;
        Assert.Equal(ProxyHeaderError.V2AddressBlockTooShort, ParserAssert.Invalid(bytes));
    }

    [Fact]
    public void Rule09_bytes_after_the_address_block_up_to_len_are_TLVs()
    {
        byte[] bytes = Hex.Parse(Signature + """
            21 11 00 11    # PROXY, INET, STREAM, len 17 = 12 + 5
            7F 00 00 02    # source 127.0.0.2
            7F 00 00 01    # destination 127.0.0.1
            9C 40 1F 90    # ports 40000, 8080
            01 00 02 68 32 # ALPN "h2"
            """);
        ProxyHeader header = ParserAssert.Complete(bytes);

        Assert.True(header.TryGetTlv(ProxyTlvType.Alpn, out ProxyTlv alpn));
        Assert.Equal("h2"u8.ToArray(), alpn.Value.ToArray());
    }

    [Fact]
    public void Rule10_LOCAL_with_len_0_is_accepted_and_means_use_the_real_endpoints()
    {
        byte[] bytes = Hex.Parse(Signature + """
            20       # version 2, command LOCAL
            00       # UNSPEC, UNSPEC
            00 00    # len 0
            """);
        ProxyHeader header = ParserAssert.Complete(bytes);

        Assert.Equal(ProxyCommand.Local, header.Command);
        Assert.False(header.DescribesTcpConnection);
        Assert.Null(header.GetSourceEndPoint());
    }

    [Fact]
    public void Rule10_LOCAL_as_AWS_NLB_sends_it_family_0x11_len_84_TLVs_from_offset_16_and_a_valid_CRC()
    {
        byte[] bytes = Hex.Parse(Signature + """
            20                 # version 2, command LOCAL
            11                 # INET, STREAM, yet no address block follows
            00 54              # len 84
            03 00 04 BC E5 95 1F # CRC32C, computed by hand over the header with this field zeroed
            04 00 4A           # NOOP, 74 bytes of padding
            """ + "\n" + new string('0', 74 * 2));
        Assert.Equal(100, bytes.Length);

        ProxyHeader header = ParserAssert.Complete(bytes);

        Assert.Equal(ProxyCommand.Local, header.Command);
        Assert.False(header.DescribesTcpConnection);
        Assert.True(header.TryGetTlv(ProxyTlvType.Crc32C, out ProxyTlv crc));
        Assert.True(crc.TryGetCrc32C(out uint value));
        Assert.Equal(0xBCE5951Fu, value);
        Assert.True(header.TryGetTlv(ProxyTlvType.Noop, out ProxyTlv noop));
        Assert.True(noop.IsNoop);
    }

    [Theory]
    [InlineData(0xFF)]
    [InlineData(0x41)]
    [InlineData(0x01)]
    public void Rule10_LOCAL_is_never_refused_for_its_family_byte(byte familyTransport)
    {
        byte[] bytes = Hex.Parse(Signature + "20 00 00 00");
        bytes[13] = familyTransport;
        ProxyHeader header = ParserAssert.Complete(bytes);
        Assert.Equal(ProxyCommand.Local, header.Command);
    }

    [Fact]
    public void Rule10_LOCAL_that_carries_an_address_block_is_accepted_and_its_addresses_ignored()
    {
        byte[] bytes = (byte[])s_inet.Clone();
        bytes[12] = 0x20;
        ProxyHeader header = ParserAssert.Complete(bytes);

        Assert.Equal(ProxyCommand.Local, header.Command);
        Assert.Equal(ProxyAddress.None, header.SourceAddress);
        Assert.True(header.Tlvs.IsEmpty);
    }

    [Fact]
    public void Rule11_PROXY_with_UNSPEC_family_skips_len_bytes_and_means_use_the_real_endpoints()
    {
        byte[] bytes = Hex.Parse(Signature + """
            21          # PROXY
            00          # UNSPEC, UNSPEC
            00 04       # len 4
            04 00 01 00 # NOOP with one byte
            """);
        ProxyHeader header = ParserAssert.Complete(bytes);

        Assert.Equal(ProxyCommand.Proxy, header.Command);
        Assert.Equal(ProxyAddressFamily.Unspecified, header.Family);
        Assert.False(header.DescribesTcpConnection);
    }

    [Fact]
    public void Rule11_PROXY_with_UNSPEC_family_skips_len_bytes_that_are_not_TLVs()
    {
        byte[] bytes = Hex.Parse(Signature + """
            21             # PROXY
            00             # UNSPEC, UNSPEC
            00 05          # len 5
            01 00 09 68 32 # not a TLV: declares 9 bytes, carries 2 (an unknown protocol's address data)
            47 45 54 20    # "GET ": the application's first bytes
            """);
        ProxyHeader header = ParserAssert.Complete(bytes, expectedLength: 21);

        Assert.Equal(ProxyCommand.Proxy, header.Command);
        Assert.Equal(ProxyAddressFamily.Unspecified, header.Family);
        Assert.False(header.DescribesTcpConnection);
        Assert.True(header.Tlvs.IsEmpty); // skipped bytes are never passed on as TLVs
    }

    [Fact]
    public void Rule11_a_CRC32C_lookalike_before_bytes_that_are_not_TLVs_is_not_verified()
    {
        byte[] bytes = Hex.Parse(Signature + """
            21 00 00 08          # PROXY, UNSPEC, len 8
            03 00 04 00 00 00 00 # looks like a CRC32C TLV whose value is wrong
            FF                   # a lone byte: so these 8 bytes are not TLVs, and the "CRC" was not one
            """);
        ProxyHeader header = ParserAssert.Complete(bytes);

        Assert.True(header.Tlvs.IsEmpty);
    }

    [Fact]
    public void Rule11_UNSPEC_bytes_that_are_well_formed_TLVs_are_still_read_and_checked()
    {
        byte[] bytes = Hex.Parse(Signature + """
            21 00 00 07          # PROXY, UNSPEC, len 7
            03 00 04 00 00 00 00 # a CRC32C TLV whose value does not match
            """);
        Assert.Equal(ProxyHeaderError.V2ChecksumMismatch, ParserAssert.Invalid(bytes));
    }

    [Fact]
    public void Rule11_skipping_applies_to_UNSPEC_only_an_INET_header_with_bytes_that_are_not_TLVs_is_refused()
    {
        byte[] bytes = Hex.Parse(Signature + """
            21 11 00 0D    # PROXY, INET, STREAM, len 13
            7F 00 00 02    # source 127.0.0.2
            7F 00 00 01    # destination 127.0.0.1
            9C 40 1F 90    # ports 40000, 8080
            01             # not a TLV (rule 13)
            """);
        Assert.Equal(ProxyHeaderError.V2TlvOverrun, ParserAssert.Invalid(bytes));
    }

    [Fact]
    public void Rule12_reads_exactly_16_plus_len_bytes_and_leaves_the_payload()
    {
        byte[] payload = Hex.Ascii("GET / HTTP/1.1\r\n");
        byte[] bytes = [.. s_inet, .. payload];

        ParserAssert.Complete(bytes, expectedLength: 28);
        ReadOnlySequence<byte> input = Segments.SplitAt(bytes, 20, 30);
        ProxyParseResult result = ProxyHeaderParser.Parse(input);
        Assert.Equal(payload, input.Slice(result.Consumed).ToArray());
    }

    [Fact]
    public void Rule12_waits_until_all_16_plus_len_bytes_have_arrived()
    {
        for (int length = 0; length < s_inet.Length; length++)
        {
            ParserAssert.Incomplete(s_inet[..length]);
        }
    }

    [Fact]
    public void Rule12_accepts_the_largest_header_of_16_plus_65535_bytes_when_the_cap_allows()
    {
        byte[] bytes = new byte[16 + 65535];
        s_inet.AsSpan(0, 16).CopyTo(bytes);
        bytes[14] = 0xFF;
        bytes[15] = 0xFF;
        s_inet.AsSpan(16, 12).CopyTo(bytes.AsSpan(16));
        bytes[28] = 0xE5; // one unknown TLV filling the rest: 65535 - 12 - 3 = 65520 bytes
        bytes[29] = 0xFF;
        bytes[30] = 0xF0;

        var options = new ProxyHeaderParserOptions { MaxV2Length = 65535 };
        ProxyParseResult result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(bytes), options);

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(16 + 65535, result.BytesConsumed);
    }

    [Fact]
    public void Rule12_writes_INET_and_INET6_headers_byte_for_byte()
    {
        byte[] buffer = new byte[256];

        int written = ProxyHeaderWriter.WriteV2(buffer, IPEndPoint.Parse("192.168.0.1:56324"), IPEndPoint.Parse("192.168.0.11:443"));
        Assert.Equal(s_inet, buffer[..written]);

        written = ProxyHeaderWriter.WriteV2(buffer, IPEndPoint.Parse("[2001:db8::1]:56324"), IPEndPoint.Parse("[2001:db8::2]:443"));
        Assert.Equal(s_inet6, buffer[..written]);
    }
}
