using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Model;
using TcpLb.ProxyProtocol;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

public sealed class SourceHashPolicyTests
{
    private const int Clients = 100_000;
    private readonly PolicyTestPool _pool = new();
    private readonly ILoadBalancingPolicy _policy = PolicyTestPool.Policy(BalancingPolicyNames.SourceHash);

    [Fact]
    public void The_same_client_reaches_the_same_backend_while_the_pool_is_stable()
    {
        PoolTier tier = PolicyTestPool.Tier(_pool.Backends(1, 1, 1, 1, 1));

        BackendState[] first = Place(_policy, tier, 1_000);
        for (int round = 0; round < 5; round++)
        {
            Assert.Equal(first, Place(_policy, tier, 1_000));
        }

        Assert.Equal(5, first.Distinct().Count());
    }

    [Fact]
    public void Two_balancers_with_the_same_members_in_any_order_place_clients_alike()
    {
        BackendState[] backends = _pool.Backends(1, 2, 3, 1, 2, 3, 1);

        BackendState[] here = Place(_policy, PolicyTestPool.Tier(backends), 10_000);
        BackendState[] there = Place(PolicyTestPool.Policy(BalancingPolicyNames.SourceHash), PolicyTestPool.Tier(backends.Reverse()), 10_000);

        Assert.Equal(here, there);
    }

    [Fact]
    public void Clients_spread_in_proportion_to_weights()
    {
        PoolTier tier = PolicyTestPool.Tier(_pool.Backends(1, 2, 3, 4, 10));

        var counts = Place(_policy, tier, Clients).GroupBy(b => b).ToDictionary(g => g.Key, g => g.Count());

        PolicyTestPool.AssertSharesFollowWeights(counts, relativeTolerance: 0.06);
    }

    [Fact]
    public void Adding_a_backend_to_10_moves_about_a_tenth_of_the_clients_nearly_all_to_it()
    {
        BackendState[] backends = _pool.Backends(Enumerable.Repeat(1, 11).ToArray());
        BackendState[] before = Place(_policy, PolicyTestPool.Tier(backends[..10]), Clients);
        BackendState[] after = Place(_policy, PolicyTestPool.Tier(backends), Clients);

        int moved = Enumerable.Range(0, Clients).Count(i => before[i] != after[i]);
        int movedElsewhere = Enumerable.Range(0, Clients).Count(i => before[i] != after[i] && after[i] != backends[10]);

        TestContext.Current.SendDiagnosticMessage($"adding 1 to 10: {moved} of {Clients} moved, {movedElsewhere} not to the new backend");
        Assert.InRange(moved, Clients / 11 * 0.9, Clients * 1.5 / 10);
        Assert.True(movedElsewhere < Clients * 0.01, $"{movedElsewhere} clients moved between the backends already there");
    }

    [Fact]
    public void Removing_a_backend_from_10_moves_its_clients_and_few_others()
    {
        BackendState[] backends = _pool.Backends(Enumerable.Repeat(1, 10).ToArray());
        BackendState removed = backends[3];
        BackendState[] before = Place(_policy, PolicyTestPool.Tier(backends), Clients);
        BackendState[] after = Place(_policy, PolicyTestPool.Tier(backends.Where(b => b != removed)), Clients);

        int moved = Enumerable.Range(0, Clients).Count(i => before[i] != after[i]);
        int unaffectedMoved = Enumerable.Range(0, Clients).Count(i => before[i] != removed && before[i] != after[i]);

        TestContext.Current.SendDiagnosticMessage($"removing 1 of 10: {moved} of {Clients} moved, {unaffectedMoved} of them not on the removed backend");
        Assert.InRange(moved, Clients / 10 * 0.9, Clients * 1.5 / 10);
        Assert.True(unaffectedMoved < Clients * 0.01, $"{unaffectedMoved} clients of the remaining backends moved");
    }

    [Fact]
    public void A_backend_going_down_moves_only_its_own_clients_and_they_return_when_it_recovers()
    {
        BackendState[] backends = _pool.Backends(Enumerable.Repeat(1, 10).ToArray());
        PoolTier tier = PolicyTestPool.Tier(backends);
        BackendState[] before = Place(_policy, tier, Clients);

        backends[3].SetCheckedUp(false);
        BackendState[] during = Place(_policy, tier, Clients);
        backends[3].SetCheckedUp(true);
        BackendState[] after = Place(_policy, tier, Clients);

        int misplaced = Enumerable.Range(0, Clients).Count(i => before[i] == backends[3] ? during[i] == backends[3] : during[i] != before[i]);
        Assert.Equal(0, misplaced);
        Assert.Equal(before, after);

        // The displaced clients spread over the others rather than landing on one neighbour.
        var substitutes = Enumerable.Range(0, Clients).Where(i => before[i] == backends[3]).GroupBy(i => during[i]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(9, substitutes.Count);
        Assert.All(substitutes.Values, count => Assert.InRange(count, Clients / 90 * 0.7, Clients / 90 * 1.3));
    }

    [Fact]
    public void A_retry_that_excludes_the_first_backend_goes_to_the_same_second_one_each_time()
    {
        PoolTier tier = PolicyTestPool.Tier(_pool.Backends(1, 1, 1, 1, 1));
        ulong client = ClientAddressHash.Of(ProxyAddress.FromIPv4(0xC0A8_0001));
        BackendState? first = _pool.Choose(_policy, tier, client);
        Assert.NotNull(first);

        BackendState? retry = _pool.Choose(_policy, tier, client, excluded: [first]);

        Assert.NotNull(retry);
        Assert.NotSame(first, retry);
        Assert.Same(retry, _pool.Choose(_policy, tier, client, excluded: [first]));
    }

    [Fact]
    public void Slow_start_does_not_move_clients_back_and_forth()
    {
        BackendState ramping = _pool.Backend(slowStart: TimeSpan.FromMinutes(1));
        PoolTier tier = PolicyTestPool.Tier(ramping, _pool.Backend(), _pool.Backend());
        BackendState[] before = Place(_policy, tier, 10_000);

        ramping.SetCheckedUp(false);
        ramping.SetCheckedUp(true);

        Assert.Equal(before, Place(_policy, tier, 10_000));
    }

    [Fact]
    public void The_table_is_a_prime_at_least_100_times_the_backends()
    {
        Assert.Equal(65_537, MaglevTable.SizeFor(3));
        Assert.Equal(65_537, MaglevTable.SizeFor(655));
        int large = MaglevTable.SizeFor(1_000);
        Assert.True(large >= 100_000 && Enumerable.Range(2, (int)Math.Sqrt(large)).All(d => large % d != 0), $"{large}");
    }

    /// <summary>Where each of <paramref name="count"/> clients (IPv4 addresses 10.0.0.0 on) is placed.</summary>
    private BackendState[] Place(ILoadBalancingPolicy policy, PoolTier tier, int count) =>
        [.. Enumerable.Range(0, count).Select(i =>
            _pool.Choose(policy, tier, ClientAddressHash.Of(ProxyAddress.FromIPv4(0x0A00_0000u + (uint)i))) ?? throw new InvalidOperationException("nothing chosen"))];
}
