using System.Text;
using TcpLb.Inspection;
using TcpLb.Tests.Inspection.Support;
using Xunit;
using static TcpLb.Tests.Inspection.Support.InspectionAssert;

namespace TcpLb.Tests.Inspection;

/// <summary>The dispatcher: TLS, HTTP, neither, or too few bytes to tell, as soon as the bytes say so.</summary>
public sealed class FirstBytesInspectorTests
{
    [Theory]
    [InlineData("", nameof(DetectedProtocol.NeedMore))]
    [InlineData("16", nameof(DetectedProtocol.NeedMore))]
    [InlineData("16 03", nameof(DetectedProtocol.Tls))]
    [InlineData("16 03 01 00", nameof(DetectedProtocol.Tls))]
    [InlineData("16 02", nameof(DetectedProtocol.Neither))]
    [InlineData("80", nameof(DetectedProtocol.NeedMore))]
    [InlineData("80 1C", nameof(DetectedProtocol.NeedMore))]
    [InlineData("80 1C 01", nameof(DetectedProtocol.Tls))] // SSLv2 CLIENT-HELLO
    [InlineData("80 1C 01 03 01", nameof(DetectedProtocol.Tls))]
    [InlineData("80 1C 01 00 02", nameof(DetectedProtocol.Tls))] // SSL 2.0 itself
    [InlineData("80 1C 02", nameof(DetectedProtocol.Neither))]
    [InlineData("80 1C 01 04", nameof(DetectedProtocol.Neither))]
    [InlineData("47", nameof(DetectedProtocol.NeedMore))] // "G"
    [InlineData("47 45 54 20", nameof(DetectedProtocol.Http))] // "GET "
    [InlineData("0D 0A 47 45 54 20", nameof(DetectedProtocol.Http))] // CRLF "GET "
    [InlineData("0D 0A 0D", nameof(DetectedProtocol.NeedMore))]
    [InlineData("00", nameof(DetectedProtocol.Neither))]
    [InlineData("17 03 03", nameof(DetectedProtocol.Neither))] // TLS application data: not a first flight
    [InlineData("0D 0A 0D 0A 00 0D 0A 51", nameof(DetectedProtocol.Neither))] // a PROXY v2 signature
    [InlineData("20 47", nameof(DetectedProtocol.Neither))]
    public void Detect_says_what_the_first_bytes_are_as_soon_as_they_tell(string hex, string expected)
    {
        byte[] bytes = Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal(Enum.Parse<DetectedProtocol>(expected), FirstBytesInspector.Detect(bytes));
    }

    [Fact]
    public void Inspect_reads_a_ClientHello_when_the_bytes_are_TLS()
    {
        InspectedFacts facts = Found(Dispatcher, ClientHelloVectors.OpenSsl);

        Assert.Equal(DetectedProtocol.Tls, facts.Protocol);
        Assert.Equal("www.example.com", facts.ServerName);
    }

    [Fact]
    public void Inspect_reads_an_SSLv2_compatible_hello()
    {
        Assert.True(Found(Dispatcher, ClientHelloVectors.SslV2Compatible).SslV2Compatible);
    }

    [Fact]
    public void Inspect_reads_a_request_head_when_the_bytes_are_HTTP()
    {
        InspectedFacts facts = Found(Dispatcher, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n"));

        Assert.Equal(DetectedProtocol.Http, facts.Protocol);
        Assert.Equal("www.example.com", facts.Host);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")]
    [InlineData("\u0000\u0000\u0000\u0008\u0004\u00d2\u0016\u002f")] // a PostgreSQL SSLRequest
    public void Inspect_says_neither_for_other_protocols(string text)
    {
        InspectedFacts facts = EverySplit(Dispatcher, Encoding.Latin1.GetBytes(text));

        Assert.Equal(InspectionStatus.NotThisProtocol, facts.Status);
        Assert.Equal(DetectedProtocol.Neither, facts.Protocol);
    }

    [Fact]
    public void Inspect_passes_a_readers_verdict_on_as_it_is()
    {
        byte[] bytes = (byte[])ClientHelloVectors.Minimal.Clone();
        bytes[5] = 2; // server_hello

        Invalid(Dispatcher, bytes, InspectionError.TlsNotClientHello);
        NotThisProtocol(Dispatcher, Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), InspectionError.HttpVersion2Preface);
    }

    [Fact]
    public void Inspect_waits_on_too_few_bytes_until_the_cap()
    {
        NeedMore(Dispatcher, [0x16], maxBytes: 2);
        Invalid(Dispatcher, "\r\n"u8.ToArray(), InspectionError.LargerThanCap, maxBytes: 2);
    }
}
