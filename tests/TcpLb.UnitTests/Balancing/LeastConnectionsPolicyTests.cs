using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Model;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

public sealed class LeastConnectionsPolicyTests
{
    private readonly PolicyTestPool _pool = new();
    private readonly ILoadBalancingPolicy _policy = PolicyTestPool.Policy(BalancingPolicyNames.LeastConnections);

    [Fact]
    public void Picks_the_backend_with_the_fewest_open_connections()
    {
        BackendState[] backends = _pool.Backends(1, 1, 1, 1);
        Open(backends[0], 5);
        Open(backends[1], 2);
        Open(backends[2], 7);
        Open(backends[3], 3);

        Assert.Same(backends[1], _pool.Choose(_policy, PolicyTestPool.Tier(backends)));
    }

    [Fact]
    public void Divides_connections_by_weight()
    {
        BackendState light = _pool.Backend(weight: 1);
        BackendState heavy = _pool.Backend(weight: 3);
        Open(light, 2);  // 2 per weight
        Open(heavy, 5);  // 1.67 per weight

        Assert.Same(heavy, _pool.Choose(_policy, PolicyTestPool.Tier(light, heavy)));
    }

    [Fact]
    public void Skips_a_less_loaded_backend_that_is_not_eligible()
    {
        BackendState idleButFull = _pool.Backend(maxConnections: 1);
        BackendState idleButDown = _pool.Backend();
        BackendState busy = _pool.Backend();
        BackendState busier = _pool.Backend();
        Open(idleButFull, 1);
        idleButDown.SetCheckedUp(false);
        Open(busy, 4);
        Open(busier, 9);

        Assert.Same(busy, _pool.Choose(_policy, PolicyTestPool.Tier(idleButFull, idleButDown, busier, busy)));
    }

    [Fact]
    public void Equal_backends_share_ties_evenly()
    {
        BackendState[] backends = _pool.Backends(1, 1, 1, 1, 1, 1);
        Open(backends[5], 1); // one busier backend must not skew how the five tied ones share

        Dictionary<BackendState, int> counts = _pool.Spread(_policy, PolicyTestPool.Tier(backends), 10_000);

        Assert.Equal(0, counts[backends[5]]);
        PolicyTestPool.AssertSharesFollowWeights(counts.Where(p => p.Key != backends[5]).ToDictionary(), relativeTolerance: 0.1);
    }

    [Fact]
    public void An_idle_pool_spreads_by_weight()
    {
        Dictionary<BackendState, int> counts = _pool.Spread(_policy, PolicyTestPool.Tier(_pool.Backends(1, 3)), 10_000);

        PolicyTestPool.AssertSharesFollowWeights(counts, relativeTolerance: 0.08);
    }

    [Fact]
    public void Down_backends_tied_at_zero_connections_leave_their_share_to_the_eligible_ones_by_weight()
    {
        // Down backends hold no connections, so they tie with an idle pool: the draw among ties must skip them without skewing the rest.
        BackendState[] backends = _pool.Backends(1, 5, 2, 5, 3, 5);
        backends[1].SetCheckedUp(false);
        backends[3].SetCheckedUp(false);
        backends[5].SetCheckedUp(false);

        Dictionary<BackendState, int> counts = _pool.Spread(_policy, PolicyTestPool.Tier(backends), 12_000);

        Assert.All([backends[1], backends[3], backends[5]], b => Assert.Equal(0, counts[b]));
        PolicyTestPool.AssertSharesFollowWeights(new Dictionary<BackendState, int> { [backends[0]] = counts[backends[0]], [backends[2]] = counts[backends[2]], [backends[4]] = counts[backends[4]] }, relativeTolerance: 0.08);
    }

    [Fact]
    public void Open_connections_settle_exactly_in_proportion_to_weights()
    {
        BackendState[] backends = _pool.Backends(1, 2, 3, 10);

        Dictionary<BackendState, int> counts = _pool.Spread(_policy, PolicyTestPool.Tier(backends), 16_000, keepOpen: true);

        Assert.All(counts, pair => Assert.InRange(pair.Value, 1_000 * pair.Key.Weight - 1, 1_000 * pair.Key.Weight + 1));
    }

    [Fact]
    public void Closed_connections_make_a_backend_preferred_again()
    {
        BackendState[] backends = _pool.Backends(1, 1);
        Open(backends[0], 3);
        Open(backends[1], 2);
        PoolTier tier = PolicyTestPool.Tier(backends);
        Assert.Same(backends[1], _pool.Choose(_policy, tier));

        backends[0].ConnectionClosed();
        backends[0].ConnectionClosed();

        Assert.Same(backends[0], _pool.Choose(_policy, tier));
    }

    private static void Open(BackendState backend, int connections)
    {
        for (int i = 0; i < connections; i++)
        {
            backend.ConnectionOpened();
        }
    }
}
