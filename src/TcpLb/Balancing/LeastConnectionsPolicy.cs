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
/// and stops being least-connections. The scan reads two ints per backend from contiguous arrays and tests
/// eligibility (the costly part: it reads the clock) only for a backend that would beat or tie the best so far;
/// the measured cost is in bench/README.md.
/// </para>
/// <para>
/// Ties use one weighted reservoir draw per tied backend rather than a rotating scan start: a rotating
/// start favours the tied backend after the longest run of busier ones, whereas the draw gives each tied
/// backend exactly its weight's share, and it needs no counter written by every connection.
/// </para>
/// </remarks>
internal sealed class LeastConnectionsPolicy : ILoadBalancingPolicy
{
    private readonly Random _random;
    private readonly TierCache<WeightedBackends> _tiers = new(WeightedBackends.Build);

    /// <param name="random">Seeds the tie draws; shared by concurrent choices, so thread-safe (<see cref="Random.Shared"/>) in production.</param>
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
        int tiedWeight = 0;
        ulong draws = 0;
        for (int i = 0; i < all.Length; i++)
        {
            BackendState candidate = all[i];
            int connections = candidate.ActiveConnections;
            int weight = anySlowStart ? candidate.EffectiveWeight(context.Timestamp) : weights[i];
            int order = best is null ? -1 : ConnectionLoad.Compare(connections, weight, bestConnections, bestWeight);
            if (order > 0 || !context.IsEligible(candidate))
            {
                continue;
            }

            if (order < 0)
            {
                best = candidate;
                bestConnections = connections;
                bestWeight = weight;
                tiedWeight = weight;
                continue;
            }

            // A tie: keep the newcomer with probability weight / (weight of all tied so far).
            tiedWeight += weight;
            draws = StableHash.Mix((draws == 0 ? (ulong)_random.NextInt64() : draws) + StableHash.Golden);
            if (StableHash.Below(draws, tiedWeight) < weight)
            {
                best = candidate;
                bestConnections = connections;
                bestWeight = weight;
            }
        }

        return best;
    }
}
