using System.Buffers;
using System.Text;
using FsCheck.Xunit;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>Rule 2: a v1 TCP6 address may be in any RFC 4291 text form, not only the one our writer uses (RFC 5952).</summary>
public sealed class V1AddressTextProperties
{
    [Property(MaxTest = 500, Arbitrary = new[] { typeof(WireInputGenerators) })]
    public void V1_reads_an_IPv6_address_in_any_RFC_4291_text_form(AddressText source, AddressText destination)
    {
        byte[] line = Encoding.ASCII.GetBytes($"PROXY TCP6 {source.Text} {destination.Text} 65535 1\r\n");

        ProxyParseResult result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(line), ProxyHeaderParserOptions.Default);

        if (line.Length > ProxyHeaderWriter.MaxV1Length)
        {
            // Long forms (padded groups and a dotted quad) can outgrow the 107 bytes a receiver reads (rule 5).
            Assert.Equal(ProxyParseStatus.Invalid, result.Status);
            Assert.Equal(ProxyHeaderError.V1LineTooLong, result.Error);
            return;
        }

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(line.Length, result.BytesConsumed);
        Assert.Equal(source.Address, result.Header.SourceAddress);
        Assert.Equal(destination.Address, result.Header.DestinationAddress);
    }
}
