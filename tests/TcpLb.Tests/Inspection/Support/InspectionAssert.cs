using System.Buffers;
using TcpLb.Inspection;
using TcpLb.ProxyProtocol.Tests.Support;
using Xunit;

namespace TcpLb.Tests.Inspection.Support;

/// <summary>
/// Inspects a vector whole, split at every byte boundary and one byte per segment, asserting every split
/// gives the same facts: how the bytes arrive must never change what they mean.
/// </summary>
internal static class InspectionAssert
{
    /// <summary>The cap part 2 uses by default (<c>inspect-bytes</c>, 16 KiB).</summary>
    public const int DefaultCap = 16 * 1024;

    public delegate InspectionResult Reader(in ReadOnlySequence<byte> input, int maxBytes);

    public static readonly Reader Hello = ClientHelloReader.Read;
    public static readonly Reader Head = RequestHeadReader.Read;
    public static readonly Reader Dispatcher = FirstBytesInspector.Inspect;

    public static InspectedFacts Found(Reader reader, byte[] bytes, int maxBytes = DefaultCap, long? expectedLength = null)
    {
        InspectedFacts facts = EverySplit(reader, bytes, maxBytes);
        Assert.Equal(InspectionStatus.Found, facts.Status);
        Assert.Equal(InspectionError.None, facts.Error);
        Assert.Equal(expectedLength ?? bytes.Length, facts.Length);
        return facts;
    }

    public static void Invalid(Reader reader, byte[] bytes, InspectionError error, int maxBytes = DefaultCap)
    {
        InspectedFacts facts = EverySplit(reader, bytes, maxBytes);
        Assert.Equal((InspectionStatus.Invalid, error), (facts.Status, facts.Error));
    }

    public static void NotThisProtocol(Reader reader, byte[] bytes, InspectionError error = InspectionError.None, int maxBytes = DefaultCap)
    {
        InspectedFacts facts = EverySplit(reader, bytes, maxBytes);
        Assert.Equal((InspectionStatus.NotThisProtocol, error), (facts.Status, facts.Error));
    }

    public static void NeedMore(Reader reader, byte[] bytes, int maxBytes = DefaultCap)
    {
        InspectedFacts facts = EverySplit(reader, bytes, maxBytes);
        Assert.Equal(InspectionStatus.NeedMore, facts.Status);
    }

    /// <summary>
    /// The bytes are refused as soon as the byte at <paramref name="index"/> arrives: every shorter prefix
    /// waits for more, the prefix that ends with it already gets the verdict, and so do the whole bytes.
    /// </summary>
    public static void RefusedAt(Reader reader, byte[] bytes, int index, InspectionStatus status, InspectionError error)
    {
        for (int length = 0; length <= index; length++)
        {
            InspectionResult prefix = reader(new ReadOnlySequence<byte>(bytes, 0, length), DefaultCap);
            Assert.True(prefix.Status == InspectionStatus.NeedMore, $"the first {length} bytes gave {prefix.Status} ({prefix.Error}), expected NeedMore");
        }

        foreach (byte[] arrived in new[] { bytes[..(index + 1)], bytes })
        {
            InspectedFacts facts = EverySplit(reader, arrived, DefaultCap);
            Assert.Equal((status, error), (facts.Status, facts.Error));
        }
    }

    /// <summary>Inspects every split; all must agree with the contiguous inspection, whose facts are returned.</summary>
    public static InspectedFacts EverySplit(Reader reader, byte[] bytes, int maxBytes = DefaultCap)
    {
        var contiguous = new ReadOnlySequence<byte>(bytes);
        InspectionResult expected = reader(contiguous, maxBytes);
        AssertPositions(contiguous, expected);
        InspectedFacts facts = InspectedFacts.Of(expected);

        foreach (ReadOnlySequence<byte> split in Segments.AllSplits(bytes))
        {
            InspectionResult actual = reader(split, maxBytes);
            AssertPositions(split, actual);
            Assert.Equal(facts, InspectedFacts.Of(actual));
        }

        return facts;
    }

    // What AdvanceTo will be handed: nothing is ever consumed; NeedMore examined everything, Found its own bytes.
    public static void AssertPositions(in ReadOnlySequence<byte> input, in InspectionResult result)
    {
        Assert.Equal(0, input.GetOffset(result.Consumed));
        long examined = input.GetOffset(result.Examined);
        switch (result.Status)
        {
            case InspectionStatus.NeedMore:
                Assert.Equal(input.Length, examined);
                break;
            case InspectionStatus.Found:
                Assert.Equal(result.Length, examined);
                Assert.InRange(result.Length, 1, input.Length);
                break;
            default:
                Assert.Equal(0, examined);
                Assert.Equal(0, result.Length);
                break;
        }
    }
}
