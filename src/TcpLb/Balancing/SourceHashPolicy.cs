using TcpLb.Configuration;
using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// <c>source-hash</c>: the client's address hash (<see cref="BalancingContext.ClientHash"/>) looked up in a
/// <see cref="MaglevTable"/> built over all of a tier's members, so a client keeps reaching the same backend
/// while the pool is stable, and only about 1/N of clients move when a backend joins or leaves. O(1).
/// </summary>
/// <remarks>
/// <para>
/// When the table's backend is not eligible (down, draining, full, already tried), the hash is remixed and
/// looked up again, up to <see cref="MaxProbes"/> times: deterministic, so every client of an unavailable
/// backend moves to one substitute, spread over the others by weight, and clients of the other backends do
/// not move at all. It comes back when its backend does, since the table was never rebuilt. After
/// <see cref="MaxProbes"/> misses a deterministic scan decides.
/// </para>
/// <para>
/// Slow start does not apply: honouring a ramping weight would mean moving clients back and forth as it
/// grows, and stickiness is what this policy is chosen for.
/// </para>
/// </remarks>
internal sealed class SourceHashPolicy : ILoadBalancingPolicy
{
    /// <summary>Lookups per choice before the scan: all miss with probability (ineligible share)^8.</summary>
    public const int MaxProbes = 8;

    private readonly TierCache<MaglevTable> _tables = new(MaglevTable.Build);

    public string Name => BalancingPolicyNames.SourceHash;

    public BackendState? Choose(PoolTier backends, in BalancingContext context)
    {
        if (backends.Count == 0)
        {
            return null;
        }

        MaglevTable table = _tables.Get(backends);

        // Mixed once more: the table index comes from the top bits, which a caller's weaker hash might not spread.
        ulong hash = StableHash.Mix(context.ClientHash);
        for (int probe = 0; probe < MaxProbes; probe++)
        {
            BackendState candidate = table.OwnerOf(hash);
            if (context.IsEligible(candidate))
            {
                return candidate;
            }

            hash = StableHash.Mix(hash + StableHash.Golden);
        }

        return EligibleScan.FirstFrom(table.Backends, StableHash.Below(hash, table.Backends.Length), context);
    }
}
