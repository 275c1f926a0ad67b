using TcpLb.Balancing;
using TcpLb.Model;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

/// <summary>Every policy chooses only what <see cref="BalancingContext.IsEligible"/> allows, and says so when nothing is.</summary>
public sealed class EligibilityTests
{
    [Theory]
    [MemberData(nameof(PolicyTestPool.AllPolicies), MemberType = typeof(PolicyTestPool))]
    public void Only_eligible_backends_are_chosen_never_down_ejected_draining_full_or_excluded(string name)
    {
        var pool = new PolicyTestPool();
        BackendState up1 = pool.Backend();
        BackendState down = pool.Backend(weight: 50);
        BackendState ejected = pool.Backend(weight: 50);
        BackendState draining = pool.Backend(weight: 50);
        BackendState full = pool.Backend(weight: 50, maxConnections: 1);
        BackendState excluded = pool.Backend(weight: 50);
        BackendState up2 = pool.Backend();
        down.SetCheckedUp(false);
        ejected.EjectUntil(pool.Time.GetTimestamp() + pool.Time.TimestampFrequency * 60);
        draining.MarkDraining();
        full.ConnectionOpened();
        PoolTier tier = PolicyTestPool.Tier(up1, down, ejected, draining, full, excluded, up2);
        ILoadBalancingPolicy policy = PolicyTestPool.Policy(name);

        var chosen = new HashSet<BackendState>();
        for (int i = 0; i < 2_000; i++)
        {
            chosen.Add(pool.Choose(policy, tier, StableHash.Mix((ulong)i), excluded: [excluded]) ?? throw new InvalidOperationException("nothing chosen"));
        }

        Assert.Equal([up1, up2], chosen.OrderBy(b => b.Name, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(PolicyTestPool.AllPolicies), MemberType = typeof(PolicyTestPool))]
    public void Returns_null_when_no_backend_is_eligible(string name)
    {
        var pool = new PolicyTestPool();
        BackendState down = pool.Backend();
        BackendState ejected = pool.Backend();
        BackendState draining = pool.Backend();
        BackendState full = pool.Backend(maxConnections: 2);
        BackendState excluded = pool.Backend();
        down.SetCheckedUp(false);
        ejected.EjectUntil(long.MaxValue);
        draining.MarkDraining();
        full.ConnectionOpened();
        full.ConnectionOpened();
        PoolTier tier = PolicyTestPool.Tier(down, ejected, draining, full, excluded);
        ILoadBalancingPolicy policy = PolicyTestPool.Policy(name);

        for (int i = 0; i < 100; i++)
        {
            Assert.Null(pool.Choose(policy, tier, (ulong)i, excluded: [excluded]));
        }
    }

    [Theory]
    [MemberData(nameof(PolicyTestPool.AllPolicies), MemberType = typeof(PolicyTestPool))]
    public void Returns_null_for_an_empty_tier(string name)
    {
        var pool = new PolicyTestPool();
        Assert.Null(pool.Choose(PolicyTestPool.Policy(name), PolicyTestPool.Tier()));
    }

    [Theory]
    [MemberData(nameof(PolicyTestPool.AllPolicies), MemberType = typeof(PolicyTestPool))]
    public void Finds_the_last_eligible_backend_among_hundreds_that_are_not(string name)
    {
        // Past every policy's bounded tries: only its fallback scan can find this one.
        var pool = new PolicyTestPool();
        BackendState[] backends = pool.Backends([.. Enumerable.Repeat(256, 300)]);
        BackendState survivor = pool.Backend(weight: 1);
        foreach (BackendState backend in backends)
        {
            backend.SetCheckedUp(false);
        }

        PoolTier tier = PolicyTestPool.Tier([.. backends[..150], survivor, .. backends[150..]]);
        ILoadBalancingPolicy policy = PolicyTestPool.Policy(name);
        for (int i = 0; i < 200; i++)
        {
            Assert.Same(survivor, pool.Choose(policy, tier, StableHash.Mix((ulong)i)));
        }
    }

    [Theory]
    [MemberData(nameof(PolicyTestPool.AllPolicies), MemberType = typeof(PolicyTestPool))]
    public void A_backend_becomes_eligible_again_when_its_ejection_runs_out(string name)
    {
        var pool = new PolicyTestPool();
        BackendState ejected = pool.Backend();
        ejected.EjectUntil(pool.Time.GetTimestamp() + pool.Time.TimestampFrequency * 30);
        PoolTier tier = PolicyTestPool.Tier(ejected);
        ILoadBalancingPolicy policy = PolicyTestPool.Policy(name);

        Assert.Null(pool.Choose(policy, tier));
        pool.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Same(ejected, pool.Choose(policy, tier));
    }

    [Theory]
    [MemberData(nameof(PolicyTestPool.AllPolicies), MemberType = typeof(PolicyTestPool))]
    public void Choosing_allocates_nothing(string name)
    {
        var pool = new PolicyTestPool();
        BackendState[] backends = pool.Backends(1, 2, 3, 4, 5, 6, 7, 8);
        backends[2].SetCheckedUp(false);
        PoolTier tier = PolicyTestPool.Tier(backends);
        ILoadBalancingPolicy policy = PolicyTestPool.Policy(name);
        BackendState[] excluded = [backends[5]];
        pool.Choose(policy, tier); // builds the tier's table: allocation expected once per tier, not per choice

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            pool.Choose(policy, tier, (ulong)i, excluded);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
