using TcpLb.Balancing;
using TcpLb.Model;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

/// <summary>Policies keep a table per tier; the pool's two tiers must never be served from each other's table.</summary>
public sealed class TierCacheTests
{
    [Theory]
    [MemberData(nameof(PolicyTestPool.AllPolicies), MemberType = typeof(PolicyTestPool))]
    public void Primaries_and_backups_sharing_one_snapshot_version_are_never_confused(string name)
    {
        // Pool.SetBackends gives both tiers of a snapshot the same version; a pool asks its one policy about either.
        var pool = new PolicyTestPool();
        BackendState[] primaries = pool.Backends(1, 2, 3);
        BackendState[] backups = pool.Backends(1, 1);
        var primaryTier = new PoolTier([.. primaries], version: 7);
        var backupTier = new PoolTier([.. backups], version: 7);
        ILoadBalancingPolicy policy = PolicyTestPool.Policy(name);

        for (int i = 0; i < 200; i++)
        {
            Assert.Contains(pool.Choose(policy, primaryTier, (ulong)i), primaries);
            Assert.Contains(pool.Choose(policy, backupTier, (ulong)i), backups);
        }
    }

    [Theory]
    [MemberData(nameof(PolicyTestPool.AllPolicies), MemberType = typeof(PolicyTestPool))]
    public void A_replaced_tier_is_served_from_a_table_of_its_own_members(string name)
    {
        var pool = new PolicyTestPool();
        BackendState[] backends = pool.Backends(1, 1, 1, 1);
        ILoadBalancingPolicy policy = PolicyTestPool.Policy(name);

        for (int reload = 0; reload < 10; reload++)
        {
            BackendState[] members = [backends[reload % 4], backends[(reload + 1) % 4]];
            PoolTier tier = PolicyTestPool.Tier(members);
            for (int i = 0; i < 20; i++)
            {
                Assert.Contains(pool.Choose(policy, tier, (ulong)i), members);
            }
        }
    }
}
