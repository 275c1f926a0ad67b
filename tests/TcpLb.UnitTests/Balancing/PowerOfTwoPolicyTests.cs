using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Model;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

public sealed class PowerOfTwoPolicyTests
{
    private readonly PolicyTestPool _pool = new();

    [Fact]
    public void Of_two_backends_the_less_loaded_wins()
    {
        BackendState[] backends = _pool.Backends(1, 1);
        backends[0].ConnectionOpened();
        PoolTier tier = PolicyTestPool.Tier(backends);
        ILoadBalancingPolicy policy = PolicyTestPool.Policy(BalancingPolicyNames.PowerOfTwo);

        for (int i = 0; i < 100; i++)
        {
            Assert.Same(backends[1], _pool.Choose(policy, tier));
        }
    }

    [Fact]
    public void The_most_loaded_backend_is_never_chosen_because_the_two_candidates_are_distinct()
    {
        BackendState[] backends = _pool.Backends(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        for (int i = 0; i < backends.Length; i++)
        {
            for (int c = 0; c < i; c++)
            {
                backends[i].ConnectionOpened();
            }
        }

        Dictionary<BackendState, int> counts = _pool.Spread(PolicyTestPool.Policy(BalancingPolicyNames.PowerOfTwo), PolicyTestPool.Tier(backends), 5_000);

        Assert.Equal(0, counts[backends[^1]]);
        Assert.True(counts[backends[0]] > counts[backends[1]], "the least loaded wins most often");
    }

    [Fact]
    public void Open_connections_settle_in_proportion_to_weights()
    {
        BackendState[] backends = _pool.Backends(1, 2, 3, 4);

        Dictionary<BackendState, int> counts = _pool.Spread(PolicyTestPool.Policy(BalancingPolicyNames.PowerOfTwo), PolicyTestPool.Tier(backends), 10_000, keepOpen: true);

        PolicyTestPool.AssertSharesFollowWeights(counts, relativeTolerance: 0.05);
    }

    [Fact]
    public void The_same_seed_makes_the_same_choices()
    {
        PoolTier tier = PolicyTestPool.Tier(_pool.Backends(1, 2, 3, 4, 5));

        BackendState?[] first = Choices(PolicyTestPool.Policy(BalancingPolicyNames.PowerOfTwo, seed: 7), tier);
        BackendState?[] second = Choices(PolicyTestPool.Policy(BalancingPolicyNames.PowerOfTwo, seed: 7), tier);

        Assert.Equal(first, second);
    }

    private BackendState?[] Choices(ILoadBalancingPolicy policy, PoolTier tier) =>
        [.. Enumerable.Range(0, 200).Select(_ => _pool.Choose(policy, tier))];
}
