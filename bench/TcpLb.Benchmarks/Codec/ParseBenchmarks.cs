using System.Buffers;
using BenchmarkDotNet.Attributes;
using TcpLb.ProxyProtocol;

namespace TcpLb.Benchmarks.Codec;

/// <summary>
/// <see cref="ProxyHeaderParser.Parse(in ReadOnlySequence{byte}, ProxyHeaderParserOptions)"/> on one
/// complete header, from one segment and from several (what a PipeReader gives after split reads).
/// Each method reads fields of the result so the JIT cannot drop the parse.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ParseBenchmarks
{
    private readonly ProxyHeaderParserOptions _options = ProxyHeaderParserOptions.Default;

    private ReadOnlySequence<byte> _v1Tcp4;
    private ReadOnlySequence<byte> _v1Tcp4Segmented;
    private ReadOnlySequence<byte> _v1Tcp6;
    private ReadOnlySequence<byte> _v1Tcp6Segmented;
    private ReadOnlySequence<byte> _v2Inet;
    private ReadOnlySequence<byte> _v2InetSegmented;
    private ReadOnlySequence<byte> _v2Inet6ThreeTlvs;
    private ReadOnlySequence<byte> _v2Inet6ThreeTlvsSegmented;

    [GlobalSetup]
    public void Setup()
    {
        _v1Tcp4 = new ReadOnlySequence<byte>(HeaderSamples.V1Tcp4);
        _v1Tcp4Segmented = SegmentedSequence.SplitAt(HeaderSamples.V1Tcp4, HeaderSamples.V1Tcp4Cuts);
        _v1Tcp6 = new ReadOnlySequence<byte>(HeaderSamples.V1Tcp6);
        _v1Tcp6Segmented = SegmentedSequence.SplitAt(HeaderSamples.V1Tcp6, HeaderSamples.V1Tcp6Cuts);
        _v2Inet = new ReadOnlySequence<byte>(HeaderSamples.V2Inet);
        _v2InetSegmented = SegmentedSequence.SplitAt(HeaderSamples.V2Inet, HeaderSamples.V2InetCuts);
        _v2Inet6ThreeTlvs = new ReadOnlySequence<byte>(HeaderSamples.V2Inet6ThreeTlvs);
        _v2Inet6ThreeTlvsSegmented = SegmentedSequence.SplitAt(HeaderSamples.V2Inet6ThreeTlvs, HeaderSamples.V2Inet6ThreeTlvsCuts);

        // A benchmark of a refused header would measure the wrong path: check every input parses in full.
        EnsureComplete(nameof(_v1Tcp4), _v1Tcp4, expectedTlvValueLength: 0);
        EnsureComplete(nameof(_v1Tcp4Segmented), _v1Tcp4Segmented, expectedTlvValueLength: 0);
        EnsureComplete(nameof(_v1Tcp6), _v1Tcp6, expectedTlvValueLength: 0);
        EnsureComplete(nameof(_v1Tcp6Segmented), _v1Tcp6Segmented, expectedTlvValueLength: 0);
        EnsureComplete(nameof(_v2Inet), _v2Inet, expectedTlvValueLength: 0);
        EnsureComplete(nameof(_v2InetSegmented), _v2InetSegmented, expectedTlvValueLength: 0);
        EnsureComplete(nameof(_v2Inet6ThreeTlvs), _v2Inet6ThreeTlvs, HeaderSamples.ThreeTlvsValueLength);
        EnsureComplete(nameof(_v2Inet6ThreeTlvsSegmented), _v2Inet6ThreeTlvsSegmented, HeaderSamples.ThreeTlvsValueLength);
    }

    [Benchmark]
    public long V1_Tcp4_SingleSegment() => ParseAddresses(_v1Tcp4);

    [Benchmark]
    public long V1_Tcp4_MultiSegment() => ParseAddresses(_v1Tcp4Segmented);

    [Benchmark]
    public long V1_Tcp6_SingleSegment() => ParseAddresses(_v1Tcp6);

    [Benchmark]
    public long V1_Tcp6_MultiSegment() => ParseAddresses(_v1Tcp6Segmented);

    [Benchmark]
    public long V2_Inet_SingleSegment() => ParseAddresses(_v2Inet);

    [Benchmark]
    public long V2_Inet_MultiSegment() => ParseAddresses(_v2InetSegmented);

    [Benchmark]
    public long V2_Inet6_3Tlvs_SingleSegment() => ParseAndWalkTlvs(_v2Inet6ThreeTlvs);

    [Benchmark]
    public long V2_Inet6_3Tlvs_MultiSegment() => ParseAndWalkTlvs(_v2Inet6ThreeTlvsSegmented);

    private long ParseAddresses(in ReadOnlySequence<byte> input)
    {
        ProxyParseResult result = ProxyHeaderParser.Parse(input, _options);
        return result.Header.SourcePort + result.BytesConsumed;
    }

    // A receiver that uses TLVs walks them right after parsing; include that walk in the cost.
    private long ParseAndWalkTlvs(in ReadOnlySequence<byte> input)
    {
        ProxyParseResult result = ProxyHeaderParser.Parse(input, _options);
        long sum = result.Header.SourcePort + result.BytesConsumed;
        foreach (ProxyTlv tlv in result.Header.EnumerateTlvs())
        {
            sum += tlv.Value.Length;
        }

        return sum;
    }

    private void EnsureComplete(string name, in ReadOnlySequence<byte> input, int expectedTlvValueLength)
    {
        bool segmented = name.EndsWith("Segmented", StringComparison.Ordinal);
        if (segmented == input.IsSingleSegment)
        {
            throw new InvalidOperationException($"{name}: expected {(segmented ? "several segments" : "one segment")}.");
        }

        ProxyParseResult result = ProxyHeaderParser.Parse(input, _options);
        if (result.Status != ProxyParseStatus.Complete || result.BytesConsumed != input.Length)
        {
            throw new InvalidOperationException(
                $"{name}: parse gave {result.Status} ({result.Error}), {result.BytesConsumed} of {input.Length} bytes.");
        }

        if (!result.Header.DescribesTcpConnection || result.Header.SourcePort != 56324 || result.Header.DestinationPort != 443)
        {
            throw new InvalidOperationException($"{name}: parsed {result.Header}, not the sample's endpoints.");
        }

        long tlvValueLength = ParseAndWalkTlvs(input) - ParseAddresses(input);
        if (tlvValueLength != expectedTlvValueLength)
        {
            throw new InvalidOperationException($"{name}: TLV values hold {tlvValueLength} bytes, expected {expectedTlvValueLength}.");
        }
    }
}
