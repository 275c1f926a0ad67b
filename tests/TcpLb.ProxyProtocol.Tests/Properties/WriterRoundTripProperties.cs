using System.Buffers;
using FsCheck.Xunit;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>Whatever the writer produces, the parser reads back as the same header (rules 1-3, 9, 12, 15, 23).</summary>
public sealed class WriterRoundTripProperties
{
    [Property(MaxTest = 500, Arbitrary = new[] { typeof(HeaderGenerators) })]
    public void Written_headers_parse_back_to_the_same_header(WritableHeader generated)
    {
        byte[] written = generated.Write();
        Assert.Equal(generated.AnnouncedLength(), written.Length);
        if (generated.Version == ProxyVersion.V2)
        {
            Assert.Equal(Convert.ToHexString(generated.ExpectedV2Bytes()), Convert.ToHexString(written));
        }

        ProxyParseResult result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(written), ProxyHeaderParserOptions.Default);

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(written.Length, result.BytesConsumed);
        Assert.Equal(written.Length, result.Header.Length);
        Assert.Equal(generated.Version, result.Header.Version);
        Assert.Equal(generated.ExpectedMeaning(), HeaderMeaning.Of(result.Header));
        Assert.True(result.Header.Equals(generated.ExpectedHeader()), "ProxyHeader.Equals disagrees with the field-by-field comparison");
    }

    [Property(MaxTest = 500, Arbitrary = new[] { typeof(HeaderGenerators) })]
    public void A_v1_header_is_at_most_107_bytes_and_a_v2_header_16_plus_its_length(WritableHeader generated)
    {
        byte[] written = generated.Write();
        if (generated.Version == ProxyVersion.V1)
        {
            Assert.InRange(written.Length, 15, ProxyHeaderWriter.MaxV1Length);
            Assert.Equal("\r\n"u8.ToArray(), written[^2..]);
            Assert.Equal(-1, written.AsSpan(..^2).IndexOfAny((byte)'\r', (byte)'\n'));
        }
        else
        {
            Assert.Equal(16 + ((written[14] << 8) | written[15]), written.Length);
        }
    }

    [Fact]
    public void The_reference_checksum_matches_the_published_check_value() =>
        Assert.Equal(0xE3069283u, Crc32CReference.Compute("123456789"u8));
}
