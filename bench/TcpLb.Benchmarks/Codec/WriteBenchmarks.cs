using System.Buffers;
using BenchmarkDotNet.Attributes;
using TcpLb.ProxyProtocol;

namespace TcpLb.Benchmarks.Codec;

/// <summary>
/// <see cref="ProxyHeaderWriter"/> writing the <see cref="HeaderSamples"/> headers into memory set aside
/// once: a byte array's span (the allocation-free path), and an <see cref="ArrayBufferWriter{T}"/>
/// standing in for a PipeWriter.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class WriteBenchmarks
{
    // Larger than any header below, so every write fits.
    private readonly byte[] _destination = new byte[256];
    private readonly ArrayBufferWriter<byte> _bufferWriter = new(256);

    private ProxyHeader _ipv4;
    private ProxyHeader _ipv6;
    private ProxyTlv[] _threeTlvs = [];

    [GlobalSetup]
    public void Setup()
    {
        _ipv4 = ProxyHeader.ForTcp(HeaderSamples.Ipv4Source, HeaderSamples.Ipv4Destination);
        _ipv6 = ProxyHeader.ForTcp(HeaderSamples.Ipv6Source, HeaderSamples.Ipv6Destination);
        _threeTlvs = HeaderSamples.ThreeTlvs();

        // The writes must produce the very bytes the parse benchmarks read, or they measure something else.
        EnsureWrote(nameof(V1_Tcp4), V1_Tcp4(), HeaderSamples.V1Tcp4);
        EnsureWrote(nameof(V1_Tcp6), V1_Tcp6(), HeaderSamples.V1Tcp6);
        EnsureWrote(nameof(V2_Inet), V2_Inet(), HeaderSamples.V2Inet);
        EnsureWrote(nameof(V2_Inet6_3Tlvs), V2_Inet6_3Tlvs(), HeaderSamples.V2Inet6ThreeTlvs);
        EnsureWrote(nameof(V2_Inet6_3Tlvs_BufferWriter), V2_Inet6_3Tlvs_BufferWriter(), HeaderSamples.V2Inet6ThreeTlvs);
        EnsureParsesBack(nameof(V2_Inet6_3Tlvs_Crc32C), V2_Inet6_3Tlvs_Crc32C());
    }

    [Benchmark]
    public int V1_Tcp4() => ProxyHeaderWriter.Write(_destination, _ipv4, ProxyVersion.V1);

    [Benchmark]
    public int V1_Tcp6() => ProxyHeaderWriter.Write(_destination, _ipv6, ProxyVersion.V1);

    [Benchmark]
    public int V2_Inet() => ProxyHeaderWriter.Write(_destination, _ipv4, ProxyVersion.V2);

    [Benchmark]
    public int V2_Inet6_3Tlvs() => ProxyHeaderWriter.Write(_destination, _ipv6, ProxyVersion.V2, _threeTlvs);

    [Benchmark]
    public int V2_Inet6_3Tlvs_Crc32C() => ProxyHeaderWriter.Write(_destination, _ipv6, ProxyVersion.V2, _threeTlvs, crc32C: true);

    [Benchmark]
    public int V2_Inet6_3Tlvs_BufferWriter()
    {
        // Reuse the writer's array each op, as a pipe reuses its segments.
        _bufferWriter.ResetWrittenCount();
        return ProxyHeaderWriter.Write(_bufferWriter, _ipv6, ProxyVersion.V2, _threeTlvs);
    }

    private void EnsureWrote(string name, int written, byte[] expected)
    {
        ReadOnlySpan<byte> actual = name.EndsWith("BufferWriter", StringComparison.Ordinal)
            ? _bufferWriter.WrittenSpan
            : _destination.AsSpan(0, written);
        if (written != expected.Length || !actual.SequenceEqual(expected))
        {
            throw new InvalidOperationException(
                $"{name}: wrote {Convert.ToHexString(actual)}, expected {Convert.ToHexString(expected)}.");
        }
    }

    // The CRC32C bytes are not spelled out in HeaderSamples; the parser's checksum check vouches for them.
    private void EnsureParsesBack(string name, int written)
    {
        ProxyParseResult result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(_destination, 0, written), ProxyHeaderParserOptions.Default);
        bool hasChecksum = result.Status == ProxyParseStatus.Complete && result.Header.TryGetTlv(ProxyTlvType.Crc32C, out _);
        if (!hasChecksum || result.BytesConsumed != written || result.Header.SourcePort != 56324)
        {
            throw new InvalidOperationException($"{name}: the {written} bytes written parse as {result.Status} ({result.Error}).");
        }
    }
}
