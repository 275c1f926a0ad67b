extern alias TcpLbApp;

using BenchmarkDotNet.Attributes;
using TcpLbApp::TcpLb.Balancing;
using TcpLbApp::TcpLb.Configuration;
using TcpLbApp::TcpLb.Model;

namespace TcpLb.Benchmarks.Balancing;

/// <summary>
/// One choice per operation for each policy, over tiers of 3, 30 and 300 backends, every one of them eligible.
/// The tier's table is built in setup: these rows are the steady state, rebuilds are in
/// <see cref="PolicyTableBuildBenchmarks"/>. Each choice must allocate nothing.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PolicyBenchmarks
{
    private PoolTier _busy = null!;
    private PoolTier _idle = null!;
    private long _timestamp;
    private ulong _clientHash;
    private ILoadBalancingPolicy _leastConnections = null!;
    private ILoadBalancingPolicy _roundRobin = null!;
    private ILoadBalancingPolicy _powerOfTwo = null!;
    private ILoadBalancingPolicy _random = null!;
    private ILoadBalancingPolicy _sourceHash = null!;

    [Params(3, 30, 300)]
    public int Backends { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _busy = BenchmarkBackends.Tier(Backends, busy: true);
        _idle = BenchmarkBackends.Tier(Backends, busy: false);
        _timestamp = TimeProvider.System.GetTimestamp();
        _leastConnections = Create(BalancingPolicyNames.LeastConnections);
        _roundRobin = Create(BalancingPolicyNames.RoundRobin);
        _powerOfTwo = Create(BalancingPolicyNames.PowerOfTwo);
        _random = Create(BalancingPolicyNames.Random);
        _sourceHash = Create(BalancingPolicyNames.SourceHash);

        // Builds each policy's table for both tiers, and checks that every benchmark does choose a backend.
        foreach (Func<object?> benchmark in (Func<object?>[])[LeastConnections, LeastConnections_Idle, RoundRobin, PowerOfTwo, Random, SourceHash])
        {
            _ = benchmark() ?? throw new InvalidOperationException($"{benchmark.Method.Name} chose nothing");
        }
    }

    /// <summary>A draw from the least-load index over backends holding different numbers of connections.</summary>
    [Benchmark(Baseline = true)]
    public object? LeastConnections() => _leastConnections.Choose(_busy, Context());

    /// <summary>The same when every backend ties at 0 connections: the draw walks down among all of them by weight.</summary>
    [Benchmark]
    public object? LeastConnections_Idle() => _leastConnections.Choose(_idle, Context());

    /// <summary>
    /// What one connection costs least-connections in all: the choice, then opening and closing a connection on
    /// the chosen backend, each of which updates the index (O(log n) under its lock).
    /// </summary>
    [Benchmark]
    public object? LeastConnections_OpenClose()
    {
        BackendState? chosen = _leastConnections.Choose(_busy, Context());
        if (chosen is not null && chosen.TryOpenConnection())
        {
            chosen.ConnectionClosed();
        }

        return chosen;
    }

    [Benchmark]
    public object? RoundRobin() => _roundRobin.Choose(_busy, Context());

    [Benchmark]
    public object? PowerOfTwo() => _powerOfTwo.Choose(_busy, Context());

    [Benchmark]
    public object? Random() => _random.Choose(_busy, Context());

    [Benchmark]
    public object? SourceHash() => _sourceHash.Choose(_busy, Context());

    // Random.Shared, as production passes: a seeded Random draws with an older, slower algorithm.
    private static ILoadBalancingPolicy Create(string name) =>
        LoadBalancingPolicies.TryCreate(name, System.Random.Shared, out ILoadBalancingPolicy? policy) ? policy : throw new InvalidOperationException(name);

    // A new client per operation, so source-hash reads a different table entry each time, as it would in production.
    private BalancingContext Context() => new() { ClientHash = _clientHash += StableHash.Golden, Timestamp = _timestamp };
}
