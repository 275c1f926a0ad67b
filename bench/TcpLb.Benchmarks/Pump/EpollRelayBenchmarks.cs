using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace TcpLb.Benchmarks.Pump;

/// <summary>
/// One round trip per operation through the epoll engine's relay on loopback (see <see cref="EpollRelayRig"/>): 64 B
/// is one recv and one send per direction; 1 MiB fills the loop's buffer, so it is carried by splice. <c>Allocated</c>
/// is the steady-state cost of those reads and writes, which must be 0 B.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(Columns))]
public class EpollRelayBenchmarks
{
    private EpollRelayRig _rig = null!;

    [Params(64, 1024 * 1024)]
    public int MessageBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the epoll engine runs on Linux only");
        }

        _rig = new EpollRelayRig(MessageBytes);
    }

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    [Benchmark]
    public void RoundTrip() => _rig.RoundTrip();

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new RoundTripThroughputColumn());
    }
}
