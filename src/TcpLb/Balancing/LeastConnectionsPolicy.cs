using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// <c>least-connections</c>, the default: the eligible backend with the fewest open connections per unit of
/// effective weight (slow start included). Ties are shared by a draw weighted by effective weight, so equal
/// backends share evenly and an idle pool (every count 0) still spreads by weight.
/// </summary>
/// <remarks>
/// <para>
/// An exact O(n) scan. A sublinear index (a heap or buckets ordered by load, as HAProxy's leastconn tree) must
/// be updated whenever a count changes, and counts change in <see cref="BackendState.ConnectionOpened"/> and
/// <see cref="BackendState.ConnectionClosed"/>, which tell no policy; eligibility (an ejection running out, a
/// connection limit) changes with no event at all. Without such hooks, any cheaper structure goes stale
/// and stops being least-connections. The measured cost is in bench/README.md.
/// </para>
/// <para>
/// Eligibility is the costly test (it reads the clock), so it is made only where it decides something. The
/// first pass finds the least load among eligible backends, testing only a backend that would beat the best
/// so far, and adds up the weights of the backends that tie with it, untested. When there are ties, a second
/// pass walks to a weighted draw among them and tests only the one drawn; an ineligible draw is drawn again,
/// which keeps the draw exact among the eligible ones. After <see cref="MaxTieDraws"/> misses, one more pass
/// tests every tied backend and draws among the eligible ones as it goes. A rotating scan start would be
/// cheaper still, but unfair: it favours the tied backend after the longest run of busier ones.
/// </para>
/// </remarks>
internal sealed class LeastConnectionsPolicy : ILoadBalancingPolicy
{
    /// <summary>
    /// Draws among tied backends before a pass that tests every tied one: all draws land on ineligible
    /// ones with probability (their share of the tie)^4.
    /// </summary>
    public const int MaxTieDraws = 4;

    private readonly Random _random;
    private readonly TierCache<WeightedBackends> _tiers = new(WeightedBackends.Build);

    /// <param name="random">Draws among ties; shared by concurrent choices, so thread-safe (<see cref="Random.Shared"/>) in production.</param>
    public LeastConnectionsPolicy(Random random)
    {
        _random = random;
    }

    public string Name => LoadBalancingPolicies.LeastConnections;

    public BackendState? Choose(PoolTier backends, in BalancingContext context)
    {
        if (backends.Count == 0)
        {
            return null;
        }

        WeightedBackends tier = _tiers.Get(backends);
        ReadOnlySpan<BackendState> all = tier.Backends;
        ReadOnlySpan<int> weights = tier.Weights;
        bool anySlowStart = tier.AnySlowStart;

        BackendState? best = null;
        int bestConnections = 0;
        int bestWeight = 1;
        long tiedWeight = 0;
        for (int i = 0; i < all.Length; i++)
        {
            BackendState candidate = all[i];
            int connections = candidate.ActiveConnections;
            int weight = anySlowStart ? candidate.EffectiveWeight(context.Timestamp) : weights[i];
            int order = best is null ? -1 : ConnectionLoad.Compare(connections, weight, bestConnections, bestWeight);
            if (order == 0)
            {
                tiedWeight += weight;
            }
            else if (order < 0 && context.IsEligible(candidate))
            {
                best = candidate;
                bestConnections = connections;
                bestWeight = weight;
                tiedWeight = weight;
            }
        }

        if (best is null || tiedWeight == bestWeight)
        {
            return best; // nothing eligible, or no tie to share
        }

        for (int draw = 0; draw < MaxTieDraws; draw++)
        {
            BackendState? drawn = TiedAt(all, weights, anySlowStart, bestConnections, bestWeight, _random.NextInt64(tiedWeight), context.Timestamp);
            if (drawn is not null && context.IsEligible(drawn))
            {
                return drawn;
            }
        }

        return EligibleTiedDraw(all, weights, anySlowStart, bestConnections, bestWeight, (ulong)_random.NextInt64(), context) ?? best;
    }

    /// <summary>
    /// The backend tied with the least load at <paramref name="offset"/> into the tied backends' weights, in
    /// scan order; null if counts changed since the first pass so that the walk falls short.
    /// </summary>
    private static BackendState? TiedAt(
        ReadOnlySpan<BackendState> all, ReadOnlySpan<int> weights, bool anySlowStart, int leastConnections, int leastWeight, long offset, long timestamp)
    {
        for (int i = 0; i < all.Length; i++)
        {
            BackendState candidate = all[i];
            int weight = anySlowStart ? candidate.EffectiveWeight(timestamp) : weights[i];
            if (ConnectionLoad.Compare(candidate.ActiveConnections, weight, leastConnections, leastWeight) == 0)
            {
                offset -= weight;
                if (offset < 0)
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Among the eligible backends tied with the least load, one drawn by weight in a single pass (weighted
    /// reservoir sampling, its draws derived from <paramref name="seed"/>); null if counts changed so that none ties.
    /// </summary>
    private static BackendState? EligibleTiedDraw(
        ReadOnlySpan<BackendState> all, ReadOnlySpan<int> weights, bool anySlowStart, int leastConnections, int leastWeight, ulong seed, in BalancingContext context)
    {
        BackendState? chosen = null;
        long tiedWeight = 0;
        ulong bits = seed;
        for (int i = 0; i < all.Length; i++)
        {
            BackendState candidate = all[i];
            int weight = anySlowStart ? candidate.EffectiveWeight(context.Timestamp) : weights[i];
            if (ConnectionLoad.Compare(candidate.ActiveConnections, weight, leastConnections, leastWeight) != 0 || !context.IsEligible(candidate))
            {
                continue;
            }

            // Keep the newcomer with probability weight / (weight of all eligible tied so far).
            tiedWeight += weight;
            bits = StableHash.Mix(bits + StableHash.Golden);
            if (StableHash.Below(bits, (int)tiedWeight) < weight)
            {
                chosen = candidate;
            }
        }

        return chosen;
    }
}
