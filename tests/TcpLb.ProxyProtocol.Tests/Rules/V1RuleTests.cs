using System.Net;
using TcpLb.ProxyProtocol.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Rules;

/// <summary>Rules 1-6: the v1 text line.</summary>
public sealed class V1RuleTests
{
    [Fact]
    public void Rule01_parses_a_TCP4_line_with_single_spaces_and_CRLF()
    {
        ProxyHeader header = ParserAssert.Complete(Hex.Ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"));

        Assert.Equal(ProxyVersion.V1, header.Version);
        Assert.Equal(ProxyCommand.Proxy, header.Command);
        Assert.Equal(ProxyAddressFamily.InterNetwork, header.Family);
        Assert.Equal(ProxyTransport.Stream, header.Transport);
        Assert.True(header.DescribesTcpConnection);
        Assert.Equal(ProxyAddress.FromIPv4(0xC0A80001), header.SourceAddress);
        Assert.Equal(ProxyAddress.FromIPv4(0xC0A8000B), header.DestinationAddress);
        Assert.Equal(56324, header.SourcePort);
        Assert.Equal(443, header.DestinationPort);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.0.1"), 56324), header.GetSourceEndPoint());
    }

    [Fact]
    public void Rule01_parses_a_TCP6_line()
    {
        ProxyHeader header = ParserAssert.Complete(Hex.Ascii("PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n"));

        Assert.Equal(ProxyAddressFamily.InterNetworkV6, header.Family);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), header.SourceAddress.ToIPAddress());
        Assert.Equal(IPAddress.Parse("2001:db8::2"), header.DestinationAddress.ToIPAddress());
    }

    [Theory]
    [InlineData("PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n", ProxyHeaderError.V1BadFamily)] // two spaces after PROXY
    [InlineData("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n", ProxyHeaderError.V1BadFields)]
    [InlineData("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n", ProxyHeaderError.V1BadFields)]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1  2\r\n", ProxyHeaderError.V1BadFields)]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n", ProxyHeaderError.V1BadFields)] // trailing space
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", ProxyHeaderError.V1BadFields)] // a fifth field
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", ProxyHeaderError.V1BadFields)] // a field missing
    [InlineData("PROXY TCP4\r\n", ProxyHeaderError.V1BadFields)]
    [InlineData("PROXY TCP4\t1.2.3.4 5.6.7.8 1 2\r\n", ProxyHeaderError.V1BadFamily)] // tab is not a space
    [InlineData("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n", ProxyHeaderError.V1BadFamily)] // keywords are upper case
    [InlineData("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", ProxyHeaderError.V1BadFamily)]
    [InlineData("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n", ProxyHeaderError.V1BadFamily)]
    [InlineData("PROXY \r\n", ProxyHeaderError.V1BadFamily)]
    public void Rule01_refuses_anything_but_exactly_one_space_between_the_fields(string line, ProxyHeaderError expected)
    {
        Assert.Equal(expected, ParserAssert.Invalid(Hex.Ascii(line)));
    }

    [Theory]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n\r")]
    [InlineData("PROXY UNKNOWN\n")]
    public void Rule01_refuses_a_line_ending_in_LF_without_CR(string line)
    {
        Assert.Equal(ProxyHeaderError.V1BadLineEnding, ParserAssert.Invalid(Hex.Ascii(line)));
    }

    [Theory]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\rX\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX\r\n")]
    public void Rule01_refuses_a_bare_CR_inside_a_TCP_line(string line)
    {
        Assert.Equal(ProxyParseStatus.Invalid, ParserAssert.ParseEverySplit(Hex.Ascii(line)).Status);
    }

    [Theory]
    [InlineData("PROXY TCP4 ::1 127.0.0.1 1 2\r\n", ProxyHeaderError.V1BadSourceAddress)]
    [InlineData("PROXY TCP4 127.0.0.1 ::1 1 2\r\n", ProxyHeaderError.V1BadDestinationAddress)]
    [InlineData("PROXY TCP6 127.0.0.1 ::1 1 2\r\n", ProxyHeaderError.V1BadSourceAddress)]
    [InlineData("PROXY TCP6 ::1 127.0.0.1 1 2\r\n", ProxyHeaderError.V1BadDestinationAddress)]
    public void Rule02_refuses_an_address_of_the_wrong_family(string line, ProxyHeaderError expected)
    {
        Assert.Equal(expected, ParserAssert.Invalid(Hex.Ascii(line)));
    }

    [Theory]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.")]
    [InlineData(".1.2.3")]
    [InlineData("01.2.3.4")] // leading zero: octal to some parsers, refused as inet_pton does
    [InlineData("1..3.4")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("127.1")]
    [InlineData("2130706433")]
    [InlineData("1.2.3.4/8")]
    [InlineData("+1.2.3.4")]
    public void Rule02_refuses_IPv4_text_that_is_not_a_plain_dotted_quad(string address)
    {
        byte[] line = Hex.Ascii($"PROXY TCP4 {address} 1.2.3.4 1 2\r\n");
        Assert.Equal(ProxyHeaderError.V1BadSourceAddress, ParserAssert.Invalid(line));
    }

    [Theory]
    [InlineData("::1:")]
    [InlineData(":1::2")]
    [InlineData("1::2::3")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1:2:3:4:5:6:7")]
    [InlineData("12345::1")]
    [InlineData("g::1")]
    [InlineData("[::1]")]
    [InlineData("fe80::1%eth0")]
    [InlineData("::ffff:1.2.3")]
    [InlineData("1:2:3:4:5:6:7:1.2.3.4")]
    [InlineData(":::")]
    public void Rule02_refuses_malformed_IPv6_text(string address)
    {
        byte[] line = Hex.Ascii($"PROXY TCP6 {address} ::1 1 2\r\n");
        Assert.Equal(ProxyHeaderError.V1BadSourceAddress, ParserAssert.Invalid(line));
    }

    [Theory]
    [InlineData("::", "::")]
    [InlineData("::1", "::1")]
    [InlineData("1::", "1::")]
    [InlineData("2001:DB8::A", "2001:db8::a")]
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1")]
    [InlineData("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0")]
    [InlineData("::ffff:192.0.2.1", "::ffff:192.0.2.1")]
    [InlineData("64:ff9b::192.0.2.1", "64:ff9b::c000:201")]
    [InlineData("fe80::1:2:3:4:5:6", "fe80:0:1:2:3:4:5:6")]
    public void Rule02_accepts_every_RFC4291_text_form(string address, string expectedCanonical)
    {
        ProxyHeader header = ParserAssert.Complete(Hex.Ascii($"PROXY TCP6 {address} ::1 1 2\r\n"));
        Assert.Equal(IPAddress.Parse(address), header.SourceAddress.ToIPAddress());
        Assert.Equal(expectedCanonical, header.SourceAddress.ToString());
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("65535", 65535)]
    [InlineData("00080", 80)]
    public void Rule03_accepts_decimal_ports_0_to_65535(string port, int expected)
    {
        ProxyHeader header = ParserAssert.Complete(Hex.Ascii($"PROXY TCP4 1.2.3.4 5.6.7.8 {port} {port}\r\n"));
        Assert.Equal(expected, header.SourcePort);
        Assert.Equal(expected, header.DestinationPort);
    }

    [Theory]
    [InlineData("65536")]
    [InlineData("99999")]
    [InlineData("100000")]
    [InlineData("-1")]
    [InlineData("+80")]
    [InlineData("0x50")]
    [InlineData("8O")]
    public void Rule03_refuses_ports_that_are_not_decimal_0_to_65535(string port)
    {
        Assert.Equal(ProxyHeaderError.V1BadSourcePort, ParserAssert.Invalid(Hex.Ascii($"PROXY TCP4 1.2.3.4 5.6.7.8 {port} 80\r\n")));
        Assert.Equal(ProxyHeaderError.V1BadDestinationPort, ParserAssert.Invalid(Hex.Ascii($"PROXY TCP4 1.2.3.4 5.6.7.8 80 {port}\r\n")));
    }

    [Theory]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData("PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY UNKNOWN anything at all, even \r inside\r\n")]
    [InlineData("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n")]
    public void Rule04_UNKNOWN_may_be_followed_by_anything_and_means_use_the_real_endpoints(string line)
    {
        ProxyHeader header = ParserAssert.Complete(Hex.Ascii(line));
        Assert.Equal(ProxyAddressFamily.Unspecified, header.Family);
        Assert.False(header.DescribesTcpConnection);
        Assert.Null(header.GetSourceEndPoint());
    }

    [Fact]
    public void Rule04_UNKNOWN_must_be_a_whole_word()
    {
        Assert.Equal(ProxyHeaderError.V1BadFamily, ParserAssert.Invalid(Hex.Ascii("PROXY UNKNOWNX\r\n")));
    }

    [Fact]
    public void Rule04_a_sender_that_cannot_describe_the_connection_writes_PROXY_UNKNOWN()
    {
        Span<byte> buffer = stackalloc byte[ProxyHeaderWriter.MaxV1Length];
        int written = ProxyHeaderWriter.Write(buffer, ProxyHeader.Unknown(), ProxyVersion.V1);
        Assert.Equal(Hex.Ascii("PROXY UNKNOWN\r\n"), buffer[..written].ToArray());
    }

    [Fact]
    public void Rule05_accepts_the_longest_legal_line_of_107_bytes()
    {
        string full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] line = Hex.Ascii($"PROXY UNKNOWN {full} {full} 65535 65535\r\n");
        Assert.Equal(107, line.Length);
        ParserAssert.Complete(line);
    }

    [Fact]
    public void Rule05_refuses_a_line_without_CRLF_in_the_first_107_bytes_without_buffering_more()
    {
        string full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] line = Hex.Ascii($"PROXY UNKNOWN {full} {full} 65535 655350\r\n");
        Assert.Equal(108, line.Length);
        Assert.Equal(ProxyHeaderError.V1LineTooLong, ParserAssert.Invalid(line));

        // 107 bytes without a line end are already enough to refuse: the receiver does not wait for more.
        Assert.Equal(ProxyHeaderError.V1LineTooLong, ParserAssert.Invalid(line[..107]));
    }

    [Fact]
    public void Rule05_waits_while_a_line_under_107_bytes_has_no_CRLF_yet()
    {
        ParserAssert.Incomplete(Hex.Ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443"));
        ParserAssert.Incomplete(Hex.Ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r"));
    }

    [Fact]
    public void Rule05_does_not_wait_for_a_line_whose_family_word_is_already_wrong()
    {
        Assert.Equal(ProxyHeaderError.V1BadFamily, ParserAssert.Invalid(Hex.Ascii("PROXY GET / HTTP/1.1")));
    }

    [Fact]
    public void Rule06_the_writer_produces_the_whole_line_in_one_call_and_GetLength_is_exact()
    {
        ProxyHeader header = ProxyHeader.ForTcp(IPEndPoint.Parse("192.168.0.1:56324"), IPEndPoint.Parse("192.168.0.11:443"));
        byte[] expected = Hex.Ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");

        byte[] buffer = new byte[ProxyHeaderWriter.MaxV1Length];
        int written = ProxyHeaderWriter.Write(buffer, header, ProxyVersion.V1);

        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(written, ProxyHeaderWriter.GetLength(header, ProxyVersion.V1));
    }

    [Fact]
    public void Rule06_writes_TCP6_in_canonical_text()
    {
        ProxyHeader header = ProxyHeader.ForTcp(IPEndPoint.Parse("[2001:db8:0:0:0:0:0:1]:56324"), IPEndPoint.Parse("[2001:db8::2]:443"));
        byte[] buffer = new byte[ProxyHeaderWriter.MaxV1Length];
        int written = ProxyHeaderWriter.Write(buffer, header, ProxyVersion.V1);
        Assert.Equal(Hex.Ascii("PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n"), buffer[..written]);
    }

    [Fact]
    public void Rule06_refuses_to_write_into_a_span_that_is_too_small()
    {
        ProxyHeader header = ProxyHeader.ForTcp(IPEndPoint.Parse("192.168.0.1:56324"), IPEndPoint.Parse("192.168.0.11:443"));
        Assert.Throws<ArgumentException>(() => ProxyHeaderWriter.Write(new byte[10], header, ProxyVersion.V1));
    }
}
