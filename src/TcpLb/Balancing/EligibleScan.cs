using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// The O(n) fallbacks the policies reach only when their O(1) path runs out of tries, that is when most of a
/// tier is ineligible (down, ejected, draining, full or already tried): a full scan is then both cheap
/// relative to the failure it handles and the only way to be sure nothing eligible remains.
/// </summary>
internal static class EligibleScan
{
    /// <summary>The first eligible backend at or after <paramref name="start"/>, wrapping around; null when none is.</summary>
    public static BackendState? FirstFrom(ReadOnlySpan<BackendState> backends, int start, in BalancingContext context)
    {
        for (int i = 0; i < backends.Length; i++)
        {
            int index = start + i;
            if (index >= backends.Length)
            {
                index -= backends.Length;
            }

            if (context.IsEligible(backends[index]))
            {
                return backends[index];
            }
        }

        return null;
    }

    /// <summary>
    /// The eligible backend with the fewest connections per effective weight, the first found from
    /// <paramref name="start"/> among equals; null when none is eligible. Eligibility, the costly test, is
    /// checked only for a backend that would beat the best so far.
    /// </summary>
    public static BackendState? LeastLoadedFrom(ReadOnlySpan<BackendState> backends, int start, in BalancingContext context)
    {
        BackendState? best = null;
        int bestConnections = 0;
        int bestWeight = 1;
        for (int i = 0; i < backends.Length; i++)
        {
            int index = start + i;
            if (index >= backends.Length)
            {
                index -= backends.Length;
            }

            BackendState candidate = backends[index];
            int connections = candidate.ActiveConnections;
            int weight = candidate.EffectiveWeight(context.Timestamp);
            if ((best is null || ConnectionLoad.Compare(connections, weight, bestConnections, bestWeight) < 0) && context.IsEligible(candidate))
            {
                best = candidate;
                bestConnections = connections;
                bestWeight = weight;
            }
        }

        return best;
    }

    /// <summary>
    /// An eligible backend drawn with probability proportional to its effective weight (one pass of weighted
    /// reservoir sampling, its draws derived from <paramref name="seed"/>); null when none is eligible.
    /// </summary>
    public static BackendState? WeightedRandom(ReadOnlySpan<BackendState> backends, ulong seed, in BalancingContext context)
    {
        BackendState? chosen = null;
        long totalWeight = 0;
        ulong bits = seed;
        foreach (BackendState candidate in backends)
        {
            if (!context.IsEligible(candidate))
            {
                continue;
            }

            int weight = candidate.EffectiveWeight(context.Timestamp);
            totalWeight += weight;
            bits = StableHash.Mix(bits + StableHash.Golden);

            // Keep the newcomer with probability weight / totalWeight: each backend ends up chosen in proportion to its weight.
            if (StableHash.Below(bits, (int)totalWeight) < weight)
            {
                chosen = candidate;
            }
        }

        return chosen;
    }
}
