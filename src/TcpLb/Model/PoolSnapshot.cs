using System.Collections.Immutable;

namespace TcpLb.Model;

/// <summary>One immutable view of a pool's members: primaries, backups, and backends draining after removal.</summary>
internal sealed record PoolSnapshot(PoolTier Primaries, PoolTier Backups, ImmutableArray<BackendState> Draining)
{
    public static PoolSnapshot Empty { get; } = new(new PoolTier([], 0), new PoolTier([], 0), []);

    /// <summary>True when at least one primary is healthy and not draining: backups stay unused (HAProxy's <c>backup</c>).</summary>
    public bool AnyPrimaryHealthy()
    {
        foreach (BackendState backend in Primaries.Backends)
        {
            if (backend.IsHealthy && !backend.IsDraining)
            {
                return true;
            }
        }

        return false;
    }
}
