using TcpLb.Configuration;
using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// <c>random</c>: a backend drawn with probability proportional to its effective weight, from a
/// <see cref="WeightedAliasTable"/> built per tier. O(1) per choice.
/// </summary>
/// <remarks>
/// The table holds configured weights; ineligible draws and the slow-start ramp are handled by rejection: an
/// ineligible backend is drawn again, and one in slow start is kept with probability effective / configured
/// weight. Rejection keeps the result exactly proportional to the effective weights of the eligible backends.
/// After <see cref="MaxDraws"/> rejections in a row (almost nothing eligible), a weighted scan decides.
/// </remarks>
internal sealed class RandomPolicy : ILoadBalancingPolicy
{
    /// <summary>Draws before the fallback scan: all are rejected with probability (rejected share)^16.</summary>
    public const int MaxDraws = 16;

    private readonly Random _random;
    private readonly TierCache<WeightedAliasTable> _tables = new(WeightedAliasTable.Build);

    /// <param name="random">The draws; shared by concurrent choices, so thread-safe (<see cref="Random.Shared"/>) in production.</param>
    public RandomPolicy(Random random)
    {
        _random = random;
    }

    public string Name => BalancingPolicyNames.Random;

    public BackendState? Choose(PoolTier backends, in BalancingContext context)
    {
        if (backends.Count == 0)
        {
            return null;
        }

        WeightedAliasTable table = _tables.Get(backends);
        for (int draw = 0; draw < MaxDraws; draw++)
        {
            BackendState candidate = table.Pick((ulong)_random.NextInt64());
            if (context.IsEligible(candidate) && !(table.AnySlowStart && RejectedBySlowStart(candidate, context.Timestamp)))
            {
                return candidate;
            }
        }

        return EligibleScan.WeightedRandom(table.Backends, (ulong)_random.NextInt64(), context);
    }

    /// <summary>Whether a backend in slow start loses this draw (probability 1 - effective / configured weight).</summary>
    private bool RejectedBySlowStart(BackendState backend, long timestamp)
    {
        int effective = backend.EffectiveWeight(timestamp);
        return effective < backend.Weight && _random.Next(backend.Weight) >= effective;
    }
}
