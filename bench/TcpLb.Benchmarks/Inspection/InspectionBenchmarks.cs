extern alias TcpLbApp;

using System.Buffers;
using BenchmarkDotNet.Attributes;
using TcpLb.Benchmarks.Codec;
using TcpLbApp::TcpLb.Inspection;

namespace TcpLb.Benchmarks.Inspection;

/// <summary>
/// <see cref="FirstBytesInspector.Inspect"/> on a whole ClientHello and whole request heads, from one segment and
/// from several, with the default 16 KiB cap. Each method reads the facts routing would, so the JIT cannot drop
/// the work. One segment must allocate nothing; several copy into a pooled buffer (0 B once the pool is warm).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class InspectionBenchmarks
{
    private const int Cap = 16 * 1024;

    private ReadOnlySequence<byte> _hello;
    private ReadOnlySequence<byte> _helloSegmented;
    private ReadOnlySequence<byte> _browserHead;
    private ReadOnlySequence<byte> _browserHeadSegmented;
    private ReadOnlySequence<byte> _webSocketHead;

    [GlobalSetup]
    public void Setup()
    {
        _hello = new ReadOnlySequence<byte>(FirstBytesSamples.OpenSslHello);
        _helloSegmented = SegmentedSequence.SplitAt(FirstBytesSamples.OpenSslHello, FirstBytesSamples.OpenSslHelloCuts);
        _browserHead = new ReadOnlySequence<byte>(FirstBytesSamples.BrowserHead);
        _browserHeadSegmented = SegmentedSequence.SplitAt(FirstBytesSamples.BrowserHead, FirstBytesSamples.BrowserHeadCuts);
        _webSocketHead = new ReadOnlySequence<byte>(FirstBytesSamples.WebSocketHead);

        // A benchmark of a refusal would measure the wrong path: every input must be found, whole.
        Ensure(_hello, DetectedProtocol.Tls, FirstBytesSamples.OpenSslHello.Length, "www.example.com");
        Ensure(_helloSegmented, DetectedProtocol.Tls, FirstBytesSamples.OpenSslHello.Length, "www.example.com");
        Ensure(_browserHead, DetectedProtocol.Http, FirstBytesSamples.BrowserHead.Length, "www.example.com");
        Ensure(_browserHeadSegmented, DetectedProtocol.Http, FirstBytesSamples.BrowserHead.Length, "www.example.com");
        Ensure(_webSocketHead, DetectedProtocol.Http, FirstBytesSamples.WebSocketHead.Length, "ws.example.com");
    }

    [Benchmark(Baseline = true)]
    public long ClientHello_SingleSegment() => Read(_hello);

    [Benchmark]
    public long ClientHello_MultiSegment() => Read(_helloSegmented);

    [Benchmark]
    public long BrowserHead_SingleSegment() => Read(_browserHead);

    [Benchmark]
    public long BrowserHead_MultiSegment() => Read(_browserHeadSegmented);

    [Benchmark]
    public long WebSocketHead_SingleSegment() => Read(_webSocketHead);

    /// <summary>What a connection does while its hello trickles in: the first 100 bytes, not yet enough.</summary>
    [Benchmark]
    public long ClientHello_NeedMore() => Read(_hello.Slice(0, 100));

    private static long Read(in ReadOnlySequence<byte> input)
    {
        InspectionResult result = FirstBytesInspector.Inspect(input, Cap);
        return result.Length + result.Hello.ServerName.Length + result.Hello.Alpn.First.Length + result.Head.Host.Length
            + (result.Head.IsWebSocketUpgrade ? 1 : 0);
    }

    private static void Ensure(in ReadOnlySequence<byte> input, DetectedProtocol protocol, int length, string name)
    {
        InspectionResult result = FirstBytesInspector.Inspect(input, Cap);
        string found = protocol == DetectedProtocol.Tls ? result.Hello.ServerName.ToString() : result.Head.Host.ToString();
        if (result.Status != InspectionStatus.Found || result.Protocol != protocol || result.Length != length || found != name)
        {
            throw new InvalidOperationException($"{protocol} sample: {result.Status} {result.Error}, {result.Length} bytes, name '{found}'");
        }
    }
}
