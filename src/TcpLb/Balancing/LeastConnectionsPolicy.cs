using TcpLb.Configuration;
using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// <c>least-connections</c>, the default: the available backend with the fewest open connections per unit of
/// effective weight (slow start included). Ties are shared by a draw weighted by effective weight, so equal
/// backends share evenly and an idle pool (every count 0) still spreads by weight.
/// </summary>
/// <remarks>
/// The choice is O(log n): each tier keeps a <see cref="LeastLoadIndex"/> that its backends update as their
/// counts and health change (HAProxy keeps its leastconn servers in a tree for the same reason). The index
/// knows availability but not the backends this connection already tried; when the draw lands on one of
/// those (a retry after a failed connect), an O(n) scan from a random start picks the least loaded of the
/// rest, a cost paid only after a connect failed, which costs far more.
/// </remarks>
internal sealed class LeastConnectionsPolicy : ILoadBalancingPolicy
{
    private readonly Random _random;
    private readonly TierCache<LeastLoadIndex> _tiers = new(LeastLoadIndex.Build);

    /// <param name="random">Draws among ties; shared by concurrent choices, so thread-safe (<see cref="Random.Shared"/>) in production.</param>
    public LeastConnectionsPolicy(Random random)
    {
        _random = random;
    }

    public string Name => BalancingPolicyNames.LeastConnections;

    public BackendState? Choose(PoolTier backends, in BalancingContext context)
    {
        if (backends.Count == 0)
        {
            return null;
        }

        BackendState? least = _tiers.Get(backends).DrawLeastLoaded(context.Timestamp, _random);
        if (least is null || context.IsEligible(least))
        {
            return least;
        }

        // Already tried (or changed since the draw): the least loaded among the others.
        return EligibleScan.LeastLoadedFrom(backends.Backends.AsSpan(), _random.Next(backends.Count), context);
    }
}
