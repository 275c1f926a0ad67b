using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Model;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

public sealed class RandomPolicyTests
{
    private readonly PolicyTestPool _pool = new();

    [Fact]
    public void Draws_in_proportion_to_weights()
    {
        PoolTier tier = PolicyTestPool.Tier(_pool.Backends(1, 2, 3, 4, 256));

        Dictionary<BackendState, int> counts = _pool.Spread(PolicyTestPool.Policy(BalancingPolicyNames.Random), tier, 100_000);

        // The weight-1 backend expects 377 of 100 000 (sd 19): 20 % is over 3 sd.
        PolicyTestPool.AssertSharesFollowWeights(counts, relativeTolerance: 0.2);
        PolicyTestPool.AssertSharesFollowWeights(counts.Where(p => p.Key.Weight >= 3).ToDictionary(), relativeTolerance: 0.1);
    }

    [Fact]
    public void Draws_past_an_ineligible_backend_in_proportion_to_the_others()
    {
        BackendState[] backends = _pool.Backends(1, 2, 3, 4);
        backends[3].SetCheckedUp(false);

        Dictionary<BackendState, int> counts = _pool.Spread(PolicyTestPool.Policy(BalancingPolicyNames.Random), PolicyTestPool.Tier(backends), 10_000);

        Assert.Equal(0, counts[backends[3]]);
        PolicyTestPool.AssertSharesFollowWeights(counts.Where(p => p.Value > 0).ToDictionary(), relativeTolerance: 0.1);
    }

    [Fact]
    public void The_same_seed_makes_the_same_choices()
    {
        PoolTier tier = PolicyTestPool.Tier(_pool.Backends(1, 2, 3, 4, 5));

        BackendState?[] first = Choices(PolicyTestPool.Policy(BalancingPolicyNames.Random, seed: 7), tier);
        BackendState?[] second = Choices(PolicyTestPool.Policy(BalancingPolicyNames.Random, seed: 7), tier);

        Assert.Equal(first, second);
    }

    private BackendState?[] Choices(ILoadBalancingPolicy policy, PoolTier tier) =>
        [.. Enumerable.Range(0, 200).Select(_ => _pool.Choose(policy, tier))];
}
