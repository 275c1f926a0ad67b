using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// A policy's tables for the tiers it is asked about, rebuilt when a tier is replaced. Lookups are lock-free:
/// two reference reads. Builds take a lock so that a burst of connections after a reload builds once; the
/// others wait the build out (milliseconds at most) instead of each building the same table.
/// </summary>
/// <remarks>
/// Two slots, keyed by the tier object rather than <see cref="PoolTier.Version"/>: a pool asks its policy
/// about its primaries and, when none is healthy, its backups, and both tiers of one snapshot carry the same
/// version. Tiers are immutable and new with every snapshot, so the reference is an exact key. A new table
/// replaces the older of the two, so the current primaries and backups stay cached side by side.
/// </remarks>
internal sealed class TierCache<TTable>
    where TTable : TierTable
{
    private readonly Func<PoolTier, TTable> _build;
    private readonly Lock _building = new();
    private TTable? _first;
    private TTable? _second;
    private bool _replaceSecondNext; // guarded by _building

    public TierCache(Func<PoolTier, TTable> build)
    {
        _build = build;
    }

    /// <summary>The table for <paramref name="tier"/>, built now if this is the first choice since it replaced the last one.</summary>
    public TTable Get(PoolTier tier)
    {
        TTable? table = Volatile.Read(ref _first);
        if (table is not null && ReferenceEquals(table.Tier, tier))
        {
            return table;
        }

        table = Volatile.Read(ref _second);
        if (table is not null && ReferenceEquals(table.Tier, tier))
        {
            return table;
        }

        return Build(tier);
    }

    private TTable Build(PoolTier tier)
    {
        lock (_building)
        {
            // Another connection may have built it while this one waited for the lock.
            if (_first is { } first && ReferenceEquals(first.Tier, tier))
            {
                return first;
            }

            if (_second is { } second && ReferenceEquals(second.Tier, tier))
            {
                return second;
            }

            // Fully built before it is published: readers see either the old table or the whole new one.
            TTable built = _build(tier);
            TTable? replaced;
            if (_replaceSecondNext)
            {
                replaced = _second;
                Volatile.Write(ref _second, built);
            }
            else
            {
                replaced = _first;
                Volatile.Write(ref _first, built);
            }

            replaced?.Retire();

            _replaceSecondNext = !_replaceSecondNext;
            return built;
        }
    }
}
