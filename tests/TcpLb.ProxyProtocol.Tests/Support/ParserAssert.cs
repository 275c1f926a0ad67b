using System.Buffers;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Support;

/// <summary>
/// Parses a vector whole and split at every byte boundary (and one byte per segment), asserting every
/// split gives the same outcome: how the bytes arrive must never change what they mean (rule 19).
/// </summary>
internal static class ParserAssert
{
    public static ProxyHeader Complete(byte[] bytes, ProxyHeaderParserOptions? options = null, int? expectedLength = null)
    {
        ProxyParseResult whole = ParseEverySplit(bytes, options);
        Assert.Equal(ProxyParseStatus.Complete, whole.Status);
        Assert.Equal(expectedLength ?? bytes.Length, whole.BytesConsumed);
        return whole.Header;
    }

    public static ProxyHeaderError Invalid(byte[] bytes, ProxyHeaderParserOptions? options = null)
    {
        ProxyParseResult whole = ParseEverySplit(bytes, options);
        Assert.Equal(ProxyParseStatus.Invalid, whole.Status);
        Assert.NotEqual(ProxyHeaderError.None, whole.Error);
        return whole.Error;
    }

    public static void Incomplete(byte[] bytes, ProxyHeaderParserOptions? options = null)
    {
        ProxyParseResult whole = ParseEverySplit(bytes, options);
        Assert.Equal(ProxyParseStatus.Incomplete, whole.Status);
    }

    public static void NotProxy(byte[] bytes, ProxyHeaderParserOptions? options = null)
    {
        ProxyParseResult whole = ParseEverySplit(bytes, options);
        Assert.Equal(ProxyParseStatus.NotProxy, whole.Status);
    }

    /// <summary>Parses every split; all must agree with the contiguous parse, which is returned.</summary>
    public static ProxyParseResult ParseEverySplit(byte[] bytes, ProxyHeaderParserOptions? options = null)
    {
        options ??= ProxyHeaderParserOptions.Default;
        var contiguous = new ReadOnlySequence<byte>(bytes);
        ProxyParseResult expected = ProxyHeaderParser.Parse(contiguous, options);
        AssertPositions(contiguous, expected);

        foreach (ReadOnlySequence<byte> split in Segments.AllSplits(bytes))
        {
            ProxyParseResult actual = ProxyHeaderParser.Parse(split, options);
            Assert.Equal(expected.Status, actual.Status);
            Assert.Equal(expected.Error, actual.Error);
            Assert.Equal(expected.BytesConsumed, actual.BytesConsumed);
            Assert.Equal(expected.Header, actual.Header);
            AssertPositions(split, actual);
        }

        return expected;
    }

    // What AdvanceTo will be handed: Incomplete consumes nothing and examined everything; Complete consumes exactly the header.
    private static void AssertPositions(ReadOnlySequence<byte> input, ProxyParseResult result)
    {
        long consumed = input.GetOffset(result.Consumed);
        long examined = input.GetOffset(result.Examined);
        switch (result.Status)
        {
            case ProxyParseStatus.Incomplete:
                Assert.Equal(0, consumed);
                Assert.Equal(input.Length, examined);
                break;
            case ProxyParseStatus.Complete:
                Assert.Equal(result.BytesConsumed, consumed);
                Assert.Equal(result.Header.Length, consumed);
                break;
            default:
                Assert.Equal(0, consumed);
                break;
        }
    }
}
