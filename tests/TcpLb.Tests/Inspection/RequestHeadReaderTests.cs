using System.Buffers;
using System.Text;
using TcpLb.Inspection;
using TcpLb.Tests.Inspection.Support;
using Xunit;
using static TcpLb.Tests.Inspection.Support.InspectionAssert;

namespace TcpLb.Tests.Inspection;

/// <summary>
/// The HTTP/1.x request-head reader, one behaviour per test, each head inspected whole, split at every byte
/// and one byte per segment. RFC sections: 9112 (message syntax: 2.2 lines, 3 request line, 3.2 Host,
/// 5 fields), 9110 (5.5 field values, 7.6.1 Connection), 6455 4.1 (the WebSocket handshake).
/// </summary>
public sealed class RequestHeadReaderTests
{
    private static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    [Fact]
    public void Reads_method_target_version_and_host_and_spans_exactly_the_head()
    {
        byte[] head = Ascii("GET /index.html?q=1 HTTP/1.1\r\nHost: www.example.com\r\nAccept: */*\r\n\r\n");
        byte[] withBody = [.. head, .. Ascii("body bytes, not looked at \0\r")];

        InspectedFacts facts = Found(Head, withBody, expectedLength: head.Length);

        Assert.Equal(DetectedProtocol.Http, facts.Protocol);
        Assert.Equal("GET", facts.Method);
        Assert.Equal("/index.html?q=1", facts.Target);
        Assert.Equal(1, facts.MinorVersion);
        Assert.Equal("www.example.com", facts.Host);
        Assert.False(facts.WebSocket);
    }

    [Theory]
    [InlineData("www.example.com:8080", "www.example.com")]
    [InlineData("WWW.Example.COM", "WWW.Example.COM")] // kept as sent: routes compare case-insensitively
    [InlineData("www.example.com.", "www.example.com")]
    [InlineData("www.example.com.:443", "www.example.com")]
    [InlineData("www.example.com:", "www.example.com")] // RFC 3986: port = *DIGIT
    [InlineData("[2001:db8::1]:8080", "[2001:db8::1]")]
    [InlineData("[::1]", "[::1]")]
    [InlineData("192.0.2.7:80", "192.0.2.7")]
    [InlineData("  www.example.com  ", "www.example.com")] // OWS around the value
    public void Rfc9112_3_2_the_host_is_the_Host_field_without_port_or_trailing_dot(string field, string host)
    {
        byte[] head = Ascii($"GET / HTTP/1.1\r\nHost:{field}\r\n\r\n");
        Assert.Equal(host, Found(Head, head).Host);
    }

    [Theory]
    [InlineData("www example.com")]
    [InlineData("www.example.com/path")]
    [InlineData("www.example.com:80a")]
    [InlineData("www.example.com:80:81")]
    [InlineData(":80")]
    [InlineData("[2001:db8::1")]
    [InlineData("[]")]
    [InlineData("user@www.example.com")]
    [InlineData("caf\u00e9.example")]
    public void Rfc9112_3_2_a_Host_that_is_not_host_and_port_is_refused(string field)
    {
        Invalid(Head, Ascii($"GET / HTTP/1.1\r\nHost: {field}\r\n\r\n"), InspectionError.HttpBadHost);
    }

    [Fact]
    public void Rfc9112_3_2_an_empty_Host_names_no_host()
    {
        InspectedFacts facts = Found(Head, Ascii("GET / HTTP/1.1\r\nHost:\r\n\r\n"));
        Assert.Null(facts.Host);
    }

    [Fact]
    public void Rfc9112_3_2_an_HTTP_1_0_request_without_Host_is_read_without_a_host()
    {
        InspectedFacts facts = Found(Head, Ascii("GET / HTTP/1.0\r\n\r\n"));

        Assert.Equal(0, facts.MinorVersion);
        Assert.Null(facts.Host);
    }

    [Fact]
    public void Rfc9112_3_2_a_second_Host_field_is_refused_when_it_arrives()
    {
        byte[] head = Ascii("GET / HTTP/1.1\r\nHost: a.example\r\nhost: b.example\r\n\r\n");
        int secondHostEnd = head.AsSpan().IndexOf("b.example\r\n"u8) + "b.example\r\n".Length - 1;

        RefusedAt(Head, head, secondHostEnd, InspectionStatus.Invalid, InspectionError.HttpDuplicateHost);
    }

    [Theory]
    [InlineData("GET http://a.example/x HTTP/1.1\r\nHost: b.example\r\n\r\n", "a.example")]
    [InlineData("GET HTTPS://user:pw@a.example:8443/x?y HTTP/1.1\r\nHost: b.example\r\n\r\n", "a.example")]
    [InlineData("GET http://a.example HTTP/1.1\r\n\r\n", "a.example")]
    [InlineData("GET ws://a.example?x HTTP/1.1\r\n\r\n", "a.example")]
    [InlineData("CONNECT a.example:443 HTTP/1.1\r\nHost: b.example:443\r\n\r\n", "a.example")]
    public void Rfc9112_3_2_2_the_authority_of_the_target_wins_over_the_Host_field(string request, string host)
    {
        Assert.Equal(host, Found(Head, Ascii(request)).Host);
    }

    [Fact]
    public void Rfc9112_3_2_2_a_second_Host_is_refused_even_when_the_target_names_the_host()
    {
        Invalid(Head, Ascii("GET http://a.example/ HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n"), InspectionError.HttpDuplicateHost);
    }

    [Fact]
    public void Rfc6455_4_1_a_WebSocket_handshake_is_recognised()
    {
        InspectedFacts facts = Found(Head, Ascii(
            "GET /chat HTTP/1.1\r\nHost: ws.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));

        Assert.True(facts.UpgradeWebSocket);
        Assert.True(facts.ConnectionUpgrade);
        Assert.True(facts.WebSocket);
        Assert.Equal("ws.example.com", facts.Host);
    }

    [Theory]
    [InlineData("UPGRADE: WebSocket\r\nconnection: keep-alive, upgrade")]
    [InlineData("Upgrade: h2c, websocket\r\nConnection: close,Upgrade ,x")]
    [InlineData("Connection: Upgrade\r\nUpgrade:\twebsocket\t")]
    [InlineData("Upgrade: foo\r\nUpgrade: websocket\r\nConnection: Upgrade")] // tokens from every line
    public void Rfc9110_7_6_1_Upgrade_and_Connection_tokens_compare_case_insensitively_in_any_list_position(string fields)
    {
        Assert.True(Found(Head, Ascii($"GET / HTTP/1.1\r\nHost: a\r\n{fields}\r\n\r\n")).WebSocket);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")] // no Connection: upgrade
    [InlineData("GET / HTTP/1.1\r\nConnection: upgrade\r\n\r\n")] // no Upgrade: websocket
    [InlineData("GET / HTTP/1.1\r\nUpgrade: websockets\r\nConnection: upgrade\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrades\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n")] // RFC 6455: GET only
    [InlineData("GET / HTTP/1.0\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n")] // RFC 6455: 1.1 at least
    [InlineData("GET / HTTP/1.1\r\nX-Upgrade: websocket\r\nConnection: upgrade\r\n\r\n")]
    public void Rfc6455_4_1_anything_short_of_the_whole_handshake_is_not_a_WebSocket(string request)
    {
        Assert.False(Found(Head, Ascii(request)).WebSocket);
    }

    [Fact]
    public void Rfc9112_2_2_empty_lines_before_the_request_line_are_skipped()
    {
        InspectedFacts facts = Found(Head, Ascii("\r\n\n\r\nGET / HTTP/1.1\r\nHost: a.example\r\n\r\n"));
        Assert.Equal("a.example", facts.Host);
    }

    [Fact]
    public void Rfc9112_2_2_a_bare_LF_ends_a_line()
    {
        InspectedFacts facts = Found(Head, Ascii("GET / HTTP/1.1\nHost: a.example\nUpgrade: websocket\r\nConnection: upgrade\n\n"));

        Assert.Equal("a.example", facts.Host);
        Assert.True(facts.WebSocket);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\rHost: a\r\n\r\n", 15)] // after the version
    [InlineData("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 24)] // inside a value
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\rx", 26)] // where the empty line should be
    public void Rfc9112_2_2_a_CR_not_followed_by_LF_is_refused_when_the_next_byte_arrives(string request, int index)
    {
        RefusedAt(Head, Ascii(request), index, InspectionStatus.Invalid, InspectionError.HttpBareCarriageReturn);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\n Host: a\r\n\r\n")] // whitespace before the first field (RFC 9112 2.2)
    public void Rfc9112_5_2_obs_fold_is_refused(string request)
    {
        byte[] bytes = Ascii(request);
        int fold = request.IndexOf("\n ", StringComparison.Ordinal) is >= 0 and var space ? space + 1 : request.IndexOf("\n\t", StringComparison.Ordinal) + 1;

        RefusedAt(Head, bytes, fold, InspectionStatus.Invalid, InspectionError.HttpObsFold);
    }

    [Theory]
    [InlineData("Host : a")] // whitespace before the colon (RFC 9112 5.1)
    [InlineData(": a")]
    [InlineData("Ho(st: a")]
    [InlineData("Host\0: a")]
    public void Rfc9112_5_1_a_field_name_that_is_not_a_token_right_before_the_colon_is_refused(string field)
    {
        Invalid(Head, Ascii($"GET / HTTP/1.1\r\n{field}\r\n\r\n"), InspectionError.HttpBadFieldName);
    }

    [Theory]
    [InlineData("X-A: a\0b")]
    [InlineData("X-A: a\u0001b")]
    [InlineData("X-A: a\u007fb")]
    public void Rfc9110_5_5_a_control_byte_in_a_field_value_is_refused(string field)
    {
        Invalid(Head, Ascii($"GET / HTTP/1.1\r\n{field}\r\n\r\n"), InspectionError.HttpBadFieldValue);
    }

    [Fact]
    public void Rfc9110_5_5_obs_text_in_a_field_value_is_accepted()
    {
        Found(Head, Ascii("GET / HTTP/1.1\r\nX-Name: caf\u00e9\r\nHost: a\r\n\r\n"));
    }

    [Theory]
    [InlineData("GET  / HTTP/1.1\r\n\r\n", nameof(InspectionError.HttpBadTarget))] // empty target between two spaces
    [InlineData("GET /a\u0001b HTTP/1.1\r\n\r\n", nameof(InspectionError.HttpBadTarget))]
    [InlineData("GET /a\u007fb HTTP/1.1\r\n\r\n", nameof(InspectionError.HttpBadTarget))]
    [InlineData("GET /\r\n\r\n", nameof(InspectionError.HttpBadRequestLine))] // HTTP/0.9
    [InlineData("GET / \r\n\r\n", nameof(InspectionError.HttpBadVersion))]
    [InlineData("GET / http/1.1\r\n\r\n", nameof(InspectionError.HttpBadVersion))]
    [InlineData("GET / HTTP/1.10\r\n\r\n", nameof(InspectionError.HttpBadVersion))]
    [InlineData("GET / HTTP/1.1 \r\n\r\n", nameof(InspectionError.HttpBadVersion))]
    [InlineData("GET / HTTP/2.0\r\n\r\n", nameof(InspectionError.HttpBadVersion))]
    [InlineData("GET / HTTP/0.9\r\n\r\n", nameof(InspectionError.HttpBadVersion))]
    public void Rfc9112_3_a_request_line_that_breaks_the_grammar_is_refused(string request, string error)
    {
        Invalid(Head, Ascii(request), Enum.Parse<InspectionError>(error));
    }

    [Fact]
    public void Rfc9112_3_2_raw_UTF8_in_the_target_is_accepted_as_routers_do()
    {
        Assert.Equal("/caf\u00c3\u00a9", Found(Head, Ascii("GET /caf\u00c3\u00a9 HTTP/1.1\r\n\r\n")).Target);
    }

    [Fact]
    public void Rfc9110_6_2_a_later_HTTP_1_minor_version_is_read_as_1_1_would_be()
    {
        Assert.Equal(2, Found(Head, Ascii("GET / HTTP/1.2\r\nHost: a\r\n\r\n")).MinorVersion);
    }

    [Fact]
    public void Rfc9113_3_4_the_HTTP2_preface_is_not_an_HTTP1_request()
    {
        NotThisProtocol(Head, Ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), InspectionError.HttpVersion2Preface);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")] // a token, then no space
    [InlineData("\0\0\0\u0001")]
    [InlineData("PING\r\n")]
    [InlineData("\r\rGET / HTTP/1.1\r\n\r\n")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG / HTTP/1.1\r\n\r\n")] // a 33-byte "method"
    public void Bytes_that_do_not_start_like_a_request_line_are_not_HTTP(string text)
    {
        NotThisProtocol(Head, Ascii(text));
    }

    [Fact]
    public void Something_that_is_not_HTTP_is_said_to_be_so_at_its_first_telling_byte()
    {
        // "SSH-2.0-OpenSSH_9.2" is all token bytes, so it could still be a method; the CR after it cannot.
        RefusedAt(Head, Ascii("SSH-2.0-OpenSSH_9.2\r\n"), 19, InspectionStatus.NotThisProtocol, InspectionError.None);
    }

    [Fact]
    public void A_head_that_does_not_end_within_the_cap_is_refused_at_the_cap()
    {
        byte[] head = Ascii("GET / HTTP/1.1\r\nHost: a.example\r\nCookie: " + new string('x', 200) + "\r\n\r\n");

        NeedMore(Head, head[..99], maxBytes: 100);
        Invalid(Head, head[..100], InspectionError.LargerThanCap, maxBytes: 100);
        Invalid(Head, head, InspectionError.LargerThanCap, maxBytes: 100);
        Found(Head, head, maxBytes: head.Length);
    }

    [Fact]
    public void Every_strict_prefix_of_a_head_waits_for_more()
    {
        byte[] head = Ascii("\r\nGET http://a.example/ HTTP/1.1\r\nHost: a.example\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");
        for (int length = 0; length < head.Length; length++)
        {
            InspectionResult result = RequestHeadReader.Read(new ReadOnlySequence<byte>(head, 0, length), DefaultCap);
            Assert.True(result.Status == InspectionStatus.NeedMore, $"{length} of {head.Length} bytes: {result.Status} {result.Error}");
        }
    }

    [Fact]
    public void The_host_is_a_slice_of_the_input()
    {
        var input = new ReadOnlySequence<byte>(Ascii("GET / HTTP/1.1\r\nHost: a.example:80\r\n\r\n"));
        InspectionResult result = RequestHeadReader.Read(input, DefaultCap);

        Assert.True(result.Head.Host.TryGetContiguous(out ReadOnlySequence<byte> host));
        Assert.Equal(22, input.GetOffset(host.Start));
        Assert.Equal("a.example"u8.ToArray(), host.ToArray());
    }
}
