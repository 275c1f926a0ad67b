using System.Net;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Model;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

/// <summary>Backends on a fake clock, tiers over them, and choices made the way a pool makes them.</summary>
internal sealed class PolicyTestPool
{
    private static long s_versions;
    private int _nextPort = 10_000;

    public FakeTimeProvider Time { get; } = new();

    /// <summary>Every policy name, for theories that hold for all of them.</summary>
    public static TheoryData<string> AllPolicies => [.. BalancingPolicyNames.All];

    /// <summary>The policies that spread by weight and honour slow start (all but source-hash).</summary>
    public static TheoryData<string> WeightedPolicies => [.. BalancingPolicyNames.All.Where(n => n != BalancingPolicyNames.SourceHash)];

    public static ILoadBalancingPolicy Policy(string name, int seed = 1) => Policy(name, new Random(seed));

    public static ILoadBalancingPolicy Policy(string name, Random random)
    {
        Assert.True(LoadBalancingPolicies.TryCreate(name, random, out ILoadBalancingPolicy? policy), name);
        return policy;
    }

    public static PoolTier Tier(params IEnumerable<BackendState> backends) => new([.. backends], Interlocked.Increment(ref s_versions));

    public BackendState Backend(int weight = 1, TimeSpan slowStart = default, int maxConnections = 0) =>
        new(new BackendOptions
        {
            Address = new IPEndPoint(IPAddress.Loopback, _nextPort++),
            Weight = weight,
            SlowStart = slowStart,
            MaxConnections = maxConnections,
        }, Time);

    public BackendState[] Backends(params int[] weights) => [.. weights.Select(w => Backend(w))];

    public BackendState? Choose(ILoadBalancingPolicy policy, PoolTier tier, ulong clientHash = 0, BackendState[]? excluded = null) =>
        policy.Choose(tier, new BalancingContext { ClientHash = clientHash, Timestamp = Time.GetTimestamp(), Excluded = excluded ?? [] });

    /// <summary>
    /// How many of <paramref name="choices"/> each backend got; with <paramref name="keepOpen"/> each choice opens a
    /// connection (so load-aware policies see it) and all are closed again at the end.
    /// </summary>
    public Dictionary<BackendState, int> Spread(ILoadBalancingPolicy policy, PoolTier tier, int choices, bool keepOpen = false)
    {
        var counts = tier.Backends.ToDictionary(b => b, _ => 0);
        for (int i = 0; i < choices; i++)
        {
            BackendState chosen = Choose(policy, tier, StableHash.Mix((ulong)i)) ?? throw new InvalidOperationException("nothing chosen");
            counts[chosen]++;
            if (keepOpen)
            {
                chosen.ConnectionOpened();
            }
        }

        if (keepOpen)
        {
            foreach ((BackendState backend, int opened) in counts)
            {
                for (int i = 0; i < opened; i++)
                {
                    backend.ConnectionClosed();
                }
            }
        }

        return counts;
    }

    /// <summary>Asserts that each backend's share of <paramref name="counts"/> is its share of the weights, within <paramref name="relativeTolerance"/>.</summary>
    public static void AssertSharesFollowWeights(IReadOnlyDictionary<BackendState, int> counts, double relativeTolerance)
    {
        double total = counts.Values.Sum();
        double totalWeight = counts.Keys.Sum(b => b.Weight);
        foreach ((BackendState backend, int count) in counts)
        {
            double expected = total * backend.Weight / totalWeight;
            Assert.True(
                Math.Abs(count - expected) <= expected * relativeTolerance,
                $"{backend} (weight {backend.Weight}) got {count} of {total}, expected {expected:F0} ± {relativeTolerance:P0}");
        }
    }
}
