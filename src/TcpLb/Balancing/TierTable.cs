using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// What a policy derives from one <see cref="PoolTier"/>'s membership and configured weights (a schedule, a
/// hash table). Built once per tier and then only read, apart from counters, so any number of connections may
/// use it at once; it holds the <see cref="BackendState"/>s themselves, whose live state is read at choice time.
/// </summary>
internal abstract class TierTable
{
    protected TierTable(PoolTier tier)
    {
        Tier = tier;
    }

    /// <summary>The tier this was built from: the key that tells a cached table from a stale one.</summary>
    public PoolTier Tier { get; }

    /// <summary>
    /// Called once when the cache drops this table for a newer tier. Connections may still be choosing from
    /// it for a moment, so it must stay usable; it only stops whatever upkeep it did (subscriptions).
    /// </summary>
    public virtual void Retire()
    {
    }
}
