using System.Buffers;
using TcpLb.ProxyProtocol.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Rules;

/// <summary>Rules 18-21: detection, partial input, trust and bounds on the receiving side.</summary>
public sealed class ReceivingRuleTests
{
    private static readonly byte[] s_v2Local = Hex.Parse("""
        0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A # signature
        20 00 00 00                         # LOCAL, UNSPEC, len 0
        """);

    [Fact]
    public void Rule18_the_v2_signature_followed_by_version_2_is_detected_as_v2()
    {
        Assert.Equal(ProxyVersion.V2, ParserAssert.Complete(s_v2Local).Version);
    }

    [Fact]
    public void Rule18_PROXY_and_a_space_is_detected_as_v1()
    {
        Assert.Equal(ProxyVersion.V1, ParserAssert.Complete(Hex.Ascii("PROXY UNKNOWN\r\n")).Version);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("PROXYTCP4 1.2.3.4 5.6.7.8 1 2\r\n")] // no space after PROXY
    [InlineData("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("\u0016\u0003\u0001\u0002\u0000\u0001")] // a TLS ClientHello
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")]
    [InlineData("P")] // decided on the first byte that differs: here there is none yet, see below
    public void Rule18_other_bytes_are_not_a_PROXY_header(string text)
    {
        byte[] bytes = Hex.Ascii(text);
        if (text == "P")
        {
            ParserAssert.Incomplete(bytes); // still a prefix of "PROXY "
            return;
        }

        ParserAssert.NotProxy(bytes);
    }

    [Fact]
    public void Rule18_a_partial_signature_then_a_differing_byte_is_not_a_PROXY_header()
    {
        ParserAssert.NotProxy(Hex.Parse("0D 0A 0D 0A 00 0D 0A 51 55 49 54 0B 21 11 00 0C"));
        ParserAssert.NotProxy(Hex.Parse("0D 0A 0D 0A 41"));
    }

    [Fact]
    public void Rule19_every_prefix_of_a_header_waits_for_more_and_consumes_nothing()
    {
        byte[][] headers =
        [
            s_v2Local,
            Hex.Ascii("PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n"),
            Hex.Parse("0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A 21 11 00 11 7F 00 00 02 7F 00 00 01 9C 40 1F 90 01 00 02 68 32"),
        ];
        foreach (byte[] header in headers)
        {
            for (int length = 0; length < header.Length; length++)
            {
                ParserAssert.Incomplete(header[..length]);
            }
        }
    }

    [Fact]
    public void Rule19_payload_arriving_in_the_same_read_as_the_header_is_left_intact()
    {
        byte[] header = Hex.Ascii("PROXY TCP4 10.0.0.1 10.0.0.2 1000 80\r\n");
        byte[] payload = Hex.Ascii("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n");
        byte[] bytes = [.. header, .. payload];

        foreach (ReadOnlySequence<byte> input in Segments.AllSplits(bytes))
        {
            ProxyParseResult result = ProxyHeaderParser.Parse(input);
            Assert.Equal(ProxyParseStatus.Complete, result.Status);
            Assert.Equal(payload, input.Slice(result.Consumed).ToArray());
        }
    }

    [Fact]
    public void Rule19_a_v2_header_split_inside_a_TLV_waits_then_completes()
    {
        byte[] bytes = Hex.Parse("0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A 21 11 00 11 7F 00 00 02 7F 00 00 01 9C 40 1F 90 01 00 02 68 32");
        ParserAssert.Incomplete(bytes[..31]); // the cut falls inside the ALPN value
        ParserAssert.Complete(bytes);
    }

    [Fact]
    public void Rule20_on_a_port_that_expects_a_header_non_PROXY_bytes_are_reported_so_the_caller_can_drop_them()
    {
        // The parser never treats such bytes as payload on its own: it says NotProxy, and the listener decides.
        ProxyParseResult result = ParserAssert.ParseEverySplit(Hex.Ascii("GET / HTTP/1.0\r\n\r\n"));
        Assert.Equal(ProxyParseStatus.NotProxy, result.Status);
        Assert.Equal(0, result.BytesConsumed);
    }

    [Fact]
    public void Rule21_a_v2_len_above_the_cap_is_refused_before_its_bytes_arrive()
    {
        var options = new ProxyHeaderParserOptions { MaxV2Length = 4096 };
        byte[] announce = Hex.Parse("0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A 21 11 10 01"); // len 4097, nothing follows
        Assert.Equal(ProxyHeaderError.V2LengthTooLarge, ParserAssert.Invalid(announce, options));

        byte[] atCap = Hex.Parse("0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A 21 11 10 00"); // len 4096: wait for it
        ParserAssert.Incomplete(atCap, options);
    }

    [Fact]
    public void Rule21_the_cap_defaults_to_4_KiB_and_is_bounded_by_the_16_bit_field()
    {
        Assert.Equal(4096, ProxyHeaderParserOptions.Default.MaxV2Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProxyHeaderParserOptions { MaxV2Length = 65536 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProxyHeaderParserOptions { MaxV2Length = -1 });
    }

    [Fact]
    public void Rule21_a_receiver_can_accept_only_one_version()
    {
        var v2Only = new ProxyHeaderParserOptions { AcceptedVersions = ProxyVersions.V2 };
        var v1Only = new ProxyHeaderParserOptions { AcceptedVersions = ProxyVersions.V1 };

        Assert.Equal(ProxyHeaderError.V1NotAccepted, ParserAssert.Invalid(Hex.Ascii("PROXY UNKNOWN\r\n"), v2Only));
        Assert.Equal(ProxyHeaderError.V2NotAccepted, ParserAssert.Invalid(s_v2Local, v1Only));
    }

    [Fact]
    public void Every_error_has_a_sentence_for_the_log()
    {
        foreach (ProxyHeaderError error in Enum.GetValues<ProxyHeaderError>())
        {
            Assert.DoesNotContain("unknown", error.Describe(), StringComparison.Ordinal);
        }
    }
}
