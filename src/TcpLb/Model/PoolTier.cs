using System.Collections.Immutable;

namespace TcpLb.Model;

/// <summary>
/// The primaries or the backups of one pool snapshot, immutable. <see cref="Version"/> is new for every
/// snapshot (membership or weights changed) and shared by its two tiers, so a policy that derives tables
/// keys them on the tier object (as <c>TierCache</c> does), not on the version alone.
/// </summary>
internal sealed class PoolTier
{
    public PoolTier(ImmutableArray<BackendState> backends, long version)
    {
        Backends = backends;
        Version = version;
    }

    public ImmutableArray<BackendState> Backends { get; }

    /// <summary>Unique per snapshot; equal versions mean the same members with the same weights.</summary>
    public long Version { get; }

    public int Count => Backends.Length;
}
