extern alias TcpLbApp;

using BenchmarkDotNet.Attributes;
using TcpLbApp::TcpLb.Balancing;
using TcpLbApp::TcpLb.Model;

namespace TcpLb.Benchmarks.Balancing;

/// <summary>
/// What a policy pays once per tier (after a reload or a DNS change, on the first choice): building its table.
/// These allocate by design, once per tier, never per choice.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PolicyTableBuildBenchmarks
{
    private PoolTier _tier = null!;

    [Params(3, 30, 300)]
    public int Backends { get; set; }

    [GlobalSetup]
    public void Setup() => _tier = BenchmarkBackends.Tier(Backends, busy: false);

    [Benchmark]
    public object RoundRobin_Schedule() => SmoothWeightedSchedule.Build(_tier);

    [Benchmark]
    public object Random_AliasTable() => WeightedAliasTable.Build(_tier);

    /// <summary>Built and retired, as a reload does: the index subscribes to every backend and must let go again.</summary>
    [Benchmark]
    public object LeastConnections_Index()
    {
        LeastLoadIndex index = LeastLoadIndex.Build(_tier);
        index.Retire();
        return index;
    }

    [Benchmark]
    public object SourceHash_MaglevTable() => MaglevTable.Build(_tier);
}
