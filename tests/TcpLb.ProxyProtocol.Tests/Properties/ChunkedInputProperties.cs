using System.Buffers;
using FsCheck.Xunit;
using TcpLb.ProxyProtocol.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>
/// Reads split the header anywhere (rule 19): a whole header parses the same however it was cut, takes
/// exactly its own bytes and leaves the payload intact (rule 12); a partial one always waits for more.
/// </summary>
public sealed class ChunkedInputProperties
{
    [Property(MaxTest = 300, Arbitrary = new[] { typeof(WireInputGenerators) })]
    public void A_header_cut_anywhere_parses_to_the_same_header_and_leaves_the_payload(ChunkedHeader chunked)
    {
        byte[] wire = chunked.Wire();
        ReadOnlySequence<byte>[] cuttings =
        [
            Segments.SplitAt(wire, chunked.Cuts),
            Segments.Of([.. wire.Select(b => new[] { b })]),
        ];

        foreach (ReadOnlySequence<byte> input in cuttings)
        {
            ProxyParseResult result = ProxyHeaderParser.Parse(input, ProxyHeaderParserOptions.Default);

            Assert.Equal(ProxyParseStatus.Complete, result.Status);
            Assert.Equal(chunked.HeaderBytes.Length, result.BytesConsumed);
            Assert.Equal(chunked.HeaderBytes.Length, input.GetOffset(result.Consumed));
            Assert.Equal(Convert.ToHexString(chunked.Payload), Convert.ToHexString(input.Slice(result.Consumed).ToArray()));
            Assert.Equal(chunked.Source.ExpectedMeaning(), HeaderMeaning.Of(result.Header));
            Assert.True(result.Header.Equals(chunked.Source.ExpectedHeader()));
            Assert.True(result.Header.ToOwned().Equals(chunked.Source.ExpectedHeader()));
        }
    }

    [Property(MaxTest = 200, Arbitrary = new[] { typeof(WireInputGenerators) })]
    public void Every_strict_prefix_of_a_header_waits_for_more(ChunkedHeader chunked)
    {
        byte[] header = chunked.HeaderBytes;
        ReadOnlySequence<byte> bytePerSegment = Segments.Of([.. header.Select(b => new[] { b })]);

        for (int length = 0; length < header.Length; length++)
        {
            byte[] prefix = header[..length];
            ReadOnlySequence<byte>[] cuttings =
            [
                Segments.SplitAt(prefix, [.. chunked.Cuts.Where(cut => cut <= length)]),
                bytePerSegment.Slice(0, length),
            ];

            foreach (ReadOnlySequence<byte> input in cuttings)
            {
                ProxyParseResult result = ProxyHeaderParser.Parse(input, ProxyHeaderParserOptions.Default);

                Assert.True(
                    result.Status == ProxyParseStatus.Incomplete,
                    $"the first {length} of {header.Length} bytes gave {result.Status} ({result.Error})");
                Assert.Equal(input.Start, result.Consumed);
                Assert.Equal(input.End, result.Examined);
                Assert.Equal(0, result.BytesConsumed);
            }
        }
    }
}
