using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Model;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

public sealed class RoundRobinPolicyTests
{
    private readonly PolicyTestPool _pool = new();
    private readonly ILoadBalancingPolicy _policy = PolicyTestPool.Policy(BalancingPolicyNames.RoundRobin);

    [Fact]
    public void Weights_5_1_1_are_served_smoothly_as_a_a_b_a_c_a_a()
    {
        BackendState[] backends = _pool.Backends(5, 1, 1);
        PoolTier tier = PolicyTestPool.Tier(backends);

        string order = string.Concat(Enumerable.Range(0, 14).Select(_ => (char)('a' + Array.IndexOf(backends, _pool.Choose(_policy, tier)))));

        Assert.Equal("aabacaa" + "aabacaa", order);
    }

    [Fact]
    public void Equal_weights_take_turns_in_order()
    {
        BackendState[] backends = _pool.Backends(2, 2, 2);
        PoolTier tier = PolicyTestPool.Tier(backends);

        BackendState?[] chosen = [.. Enumerable.Range(0, 6).Select(_ => _pool.Choose(_policy, tier))];

        Assert.Equal([backends[0], backends[1], backends[2], backends[0], backends[1], backends[2]], chosen);
    }

    [Fact]
    public void Every_cycle_serves_each_backend_exactly_its_weight()
    {
        PoolTier tier = PolicyTestPool.Tier(_pool.Backends(1, 2, 3, 4, 10, 256));
        int cycle = 1 + 2 + 3 + 4 + 10 + 256;

        Dictionary<BackendState, int> counts = _pool.Spread(_policy, tier, 10 * cycle);

        Assert.All(counts, pair => Assert.Equal(10 * pair.Key.Weight, pair.Value));
    }

    [Fact]
    public void The_turns_of_a_down_backend_go_evenly_to_the_others_not_to_its_neighbour()
    {
        BackendState[] backends = _pool.Backends(1, 1, 1, 1);
        PoolTier tier = PolicyTestPool.Tier(backends);
        backends[1].SetCheckedUp(false);

        Dictionary<BackendState, int> counts = _pool.Spread(_policy, tier, 3_000);

        Assert.Equal(0, counts[backends[1]]);
        Assert.All([backends[0], backends[2], backends[3]], b => Assert.Equal(1_000, counts[b]));
    }

    [Fact]
    public void Weights_summing_past_the_longest_schedule_keep_their_proportions()
    {
        // 200 backends of weights 1..256: a sum near 26 000, scaled into a schedule of at most 8192 turns.
        PoolTier tier = PolicyTestPool.Tier(_pool.Backends([.. Enumerable.Range(0, 200).Select(i => 1 + (i * 37 % 256))]));

        Dictionary<BackendState, int> counts = _pool.Spread(_policy, tier, 200_000);

        var heavy = counts.Where(p => p.Key.Weight >= 64).ToDictionary();
        PolicyTestPool.AssertSharesFollowWeights(heavy, relativeTolerance: 0.05);
        Assert.All(counts, pair => Assert.True(pair.Value > 0, $"{pair.Key} never served"));
    }

    [Fact]
    public void A_new_tier_is_served_by_its_own_schedule()
    {
        BackendState[] backends = _pool.Backends(1, 1, 1);
        PoolTier before = PolicyTestPool.Tier(backends[0], backends[1]);
        PoolTier after = PolicyTestPool.Tier(backends[2]);

        Assert.Contains(_pool.Choose(_policy, before), backends[..2]);
        Assert.Same(backends[2], _pool.Choose(_policy, after));
        Assert.Contains(_pool.Choose(_policy, before), backends[..2]);
    }
}
