using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace TcpLb.Benchmarks.Pump;

/// <summary>
/// One round trip per operation through TcpLb's forwarding core on loopback: the client sends a message,
/// it crosses the pump to an echo backend and back again, the operation ends when the client holds it all.
/// Connections, pipes and threads are set up once ([GlobalSetup]), so <c>Allocated</c> is the steady-state
/// cost of the reads and writes themselves, which must be 0 B.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(Columns))]
public class PumpBenchmarks
{
    private LoopbackPumpRig _rig = null!;

    /// <summary>64 B: one read and one write per direction (latency bound); 1 MiB: many 16 KiB reads with backpressure (throughput bound).</summary>
    [Params(64, 1024 * 1024)]
    public int MessageBytes { get; set; }

    [GlobalSetup]
    public void Setup() => _rig = new LoopbackPumpRig(MessageBytes);

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    [Benchmark]
    public void RoundTrip() => _rig.RoundTrip();

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new RoundTripThroughputColumn());
    }
}
