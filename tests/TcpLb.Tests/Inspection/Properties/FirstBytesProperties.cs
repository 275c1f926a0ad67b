using System.Buffers;
using FsCheck.Xunit;
using TcpLb.Inspection;
using TcpLb.ProxyProtocol.Tests.Support;
using TcpLb.Tests.Inspection.Support;
using Xunit;

namespace TcpLb.Tests.Inspection.Properties;

/// <summary>
/// Whatever a client opens with, inspection gives a verdict without throwing, the same however the bytes
/// were cut, never from bytes past the cap, and waits only while the bytes could still become a hello or a
/// head within the cap. Hellos and heads built from known parts read back as those parts.
/// </summary>
public sealed class FirstBytesProperties
{
    private const int LargeCap = 1 << 20;

    [Property(MaxTest = 1000, Arbitrary = new[] { typeof(FirstBytesGenerators) })]
    public void Any_bytes_get_one_verdict_however_they_are_cut(FirstBytesInput input)
    {
        foreach (int cap in new[] { InspectionAssert.DefaultCap, Math.Max(1, input.Bytes.Length / 2) })
        {
            InspectedFacts whole = Verdict(new ReadOnlySequence<byte>(input.Bytes), cap);
            InspectedFacts bytePerSegment = Verdict(Segments.Of([.. input.Bytes.Select(b => new[] { b })]), cap);

            Assert.Equal(whole, bytePerSegment);
        }
    }

    [Property(MaxTest = 500, Arbitrary = new[] { typeof(FirstBytesGenerators) })]
    public void Bytes_past_the_cap_are_never_read(FirstBytesInput input, byte[] otherTail, int capSeed)
    {
        int cap = 1 + (int)((uint)capSeed % (uint)(input.Bytes.Length + 1));
        if (cap > input.Bytes.Length)
        {
            return; // nothing past the cap to change
        }

        byte[] changedPastCap = [.. input.Bytes[..cap], .. otherTail];
        Assert.Equal(
            Verdict(new ReadOnlySequence<byte>(input.Bytes), cap),
            Verdict(new ReadOnlySequence<byte>(changedPastCap), cap));
    }

    [Property(MaxTest = 300, Arbitrary = new[] { typeof(FirstBytesGenerators) })]
    public void A_generated_hello_reads_back_its_name_ALPN_offer_and_version(GeneratedHello hello)
    {
        foreach (ReadOnlySequence<byte> input in new[] { Segments.SplitAt(hello.Bytes, hello.Cuts), new ReadOnlySequence<byte>(hello.Bytes) })
        {
            InspectedFacts facts = Verdict(input, LargeCap);

            Assert.Equal(InspectionStatus.Found, facts.Status);
            Assert.Equal(DetectedProtocol.Tls, facts.Protocol);
            Assert.Equal(hello.ExpectedServerName, facts.ServerName);
            Assert.Equal(hello.ExpectedAlpn, facts.Alpn);
            Assert.Equal(hello.ExpectedVersion, facts.Version);
        }
    }

    [Property(MaxTest = 300, Arbitrary = new[] { typeof(FirstBytesGenerators) })]
    public void A_generated_head_reads_back_its_host_and_upgrade(GeneratedHead head)
    {
        foreach (ReadOnlySequence<byte> input in new[] { Segments.SplitAt(head.Bytes, head.Cuts), new ReadOnlySequence<byte>(head.Bytes) })
        {
            InspectedFacts facts = Verdict(input, InspectionAssert.DefaultCap);

            Assert.Equal(InspectionStatus.Found, facts.Status);
            Assert.Equal(DetectedProtocol.Http, facts.Protocol);
            Assert.Equal(head.HeadLength, facts.Length);
            Assert.Equal(head.ExpectedHost, facts.Host);
            Assert.Equal(head.ExpectedWebSocket, facts.WebSocket);
        }
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(FirstBytesGenerators) })]
    public void Every_strict_prefix_of_a_generated_head_waits_for_more(GeneratedHead head)
    {
        for (int length = 0; length < head.HeadLength; length++)
        {
            InspectionResult result = FirstBytesInspector.Inspect(new ReadOnlySequence<byte>(head.Bytes, 0, length), InspectionAssert.DefaultCap);
            Assert.True(result.Status == InspectionStatus.NeedMore, $"{length} of {head.HeadLength} bytes: {result.Status} {result.Error}");
        }
    }

    // One inspection, with the invariants every verdict keeps whatever the bytes.
    private static InspectedFacts Verdict(in ReadOnlySequence<byte> input, int cap)
    {
        InspectionResult result = FirstBytesInspector.Inspect(input, cap);
        InspectionAssert.AssertPositions(input, result);
        switch (result.Status)
        {
            case InspectionStatus.NeedMore:
                Assert.True(input.Length < cap, $"still waiting with {input.Length} bytes in and a cap of {cap}");
                break;
            case InspectionStatus.Found:
                Assert.InRange(result.Length, 1, Math.Min(input.Length, cap));
                break;
            case InspectionStatus.Invalid:
                Assert.NotEqual(InspectionError.None, result.Error);
                break;
        }

        return InspectedFacts.Of(result);
    }
}
