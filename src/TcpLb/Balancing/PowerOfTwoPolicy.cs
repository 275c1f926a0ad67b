using System.Collections.Immutable;
using TcpLb.Configuration;
using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// <c>power-of-two</c> (the power of two random choices): two distinct eligible backends drawn uniformly, the
/// one with fewer open connections per effective weight wins. O(1); close to least-connections without its
/// scan, and two balancers that see the same counts do not pile onto the same backend.
/// </summary>
/// <remarks>
/// Candidates are drawn uniformly, not by weight: weights act through the comparison, so under load each
/// backend's connections settle in proportion to its weight (drawing by weight as well would count them twice).
/// An equal load is settled by a coin weighted by the two weights, so an idle pool leans towards the heavier.
/// When <see cref="MaxDraws"/> draws find nothing eligible, the least loaded eligible backend is found by a scan.
/// </remarks>
internal sealed class PowerOfTwoPolicy : ILoadBalancingPolicy
{
    /// <summary>Draws per candidate before falling back to a scan: all fail with probability (ineligible fraction)^8.</summary>
    public const int MaxDraws = 8;

    private readonly Random _random;

    /// <param name="random">Draws the candidates; shared by concurrent choices, so thread-safe (<see cref="Random.Shared"/>) in production.</param>
    public PowerOfTwoPolicy(Random random)
    {
        _random = random;
    }

    public string Name => BalancingPolicyNames.PowerOfTwo;

    public BackendState? Choose(PoolTier backends, in BalancingContext context)
    {
        ImmutableArray<BackendState> all = backends.Backends;
        if (all.IsEmpty)
        {
            return null;
        }

        int first = Draw(all, -1, context);
        if (first < 0)
        {
            return EligibleScan.LeastLoadedFrom(all.AsSpan(), _random.Next(all.Length), context);
        }

        int second = Draw(all, first, context);
        if (second < 0)
        {
            return all[first];
        }

        BackendState a = all[first];
        BackendState b = all[second];
        int weightA = a.EffectiveWeight(context.Timestamp);
        int weightB = b.EffectiveWeight(context.Timestamp);
        int order = ConnectionLoad.Compare(a.ActiveConnections, weightA, b.ActiveConnections, weightB);
        if (order == 0)
        {
            return _random.Next(weightA + weightB) < weightA ? a : b;
        }

        return order < 0 ? a : b;
    }

    /// <summary>
    /// The index of a uniformly drawn eligible backend other than the one at <paramref name="taken"/> (-1 for
    /// none taken), or -1 after <see cref="MaxDraws"/> misses. Drawing among the others directly, rather than
    /// redrawing on a repeat, keeps a two-backend tier from wasting half its draws.
    /// </summary>
    private int Draw(ImmutableArray<BackendState> all, int taken, in BalancingContext context)
    {
        int others = taken < 0 ? all.Length : all.Length - 1;
        if (others == 0)
        {
            return -1;
        }

        for (int draw = 0; draw < MaxDraws; draw++)
        {
            int index = _random.Next(others);
            if (taken >= 0 && index >= taken)
            {
                index++;
            }

            if (context.IsEligible(all[index]))
            {
                return index;
            }
        }

        return -1;
    }
}
