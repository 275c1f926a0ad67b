using TcpLb.Configuration;
using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// <c>round-robin</c>: backends take turns in proportion to their weights, spread evenly (nginx's smooth
/// weighted round robin, precomputed per tier by <see cref="SmoothWeightedSchedule"/>). O(1) per choice.
/// </summary>
/// <remarks>
/// <para>
/// A turn whose backend is ineligible is passed on to the next turn of the schedule (one more increment),
/// so the eligible backends keep their weighted, smooth order: with b down, a b c a b c serves a c a c.
/// After <see cref="MaxTurnsPerChoice"/> turns in a row without an eligible backend, a scan finds one:
/// O(1) while a fair share of the tier's weight is eligible, O(n) only when almost none of it is.
/// </para>
/// <para>
/// Slow start: a backend ramping up (effective weight e below its weight w) keeps a turn with probability
/// e / w and passes it on otherwise. This costs one random draw, and only during the ramp, where rebuilding
/// the schedule as e grows would cost O(n × length) again and again. It gives the backend a share of about
/// e / w of its full one, growing with the ramp. The fallback scan ignores slow start: when almost nothing
/// else is eligible, a ramping backend is better than none.
/// </para>
/// </remarks>
internal sealed class RoundRobinPolicy : ILoadBalancingPolicy
{
    /// <summary>
    /// Turns tried before the fallback scan. With a fraction f of the turns eligible, all of them fail with
    /// probability (1 - f)^16: about 1 in 65 000 when half the tier is down.
    /// </summary>
    public const int MaxTurnsPerChoice = 16;

    private readonly Random _random;
    private readonly TierCache<SmoothWeightedSchedule> _schedules = new(SmoothWeightedSchedule.Build);

    /// <param name="random">Draws slow-start turns; shared by concurrent choices, so thread-safe (<see cref="Random.Shared"/>) in production.</param>
    public RoundRobinPolicy(Random random)
    {
        _random = random;
    }

    public string Name => BalancingPolicyNames.RoundRobin;

    public BackendState? Choose(PoolTier backends, in BalancingContext context)
    {
        if (backends.Count == 0)
        {
            return null;
        }

        SmoothWeightedSchedule schedule = _schedules.Get(backends);
        uint turn = 0;
        for (int tries = 0; tries < MaxTurnsPerChoice; tries++)
        {
            turn = schedule.NextTurn();
            BackendState candidate = schedule.BackendAt(turn);
            if (context.IsEligible(candidate) && !(schedule.AnySlowStart && PassesSlowStartTurn(candidate, context.Timestamp)))
            {
                return candidate;
            }
        }

        return EligibleScan.FirstFrom(schedule.Backends, (int)(turn % (uint)schedule.Backends.Length), context);
    }

    /// <summary>Whether a backend in slow start gives this turn away (probability 1 - effective / configured weight).</summary>
    private bool PassesSlowStartTurn(BackendState backend, long timestamp)
    {
        int effective = backend.EffectiveWeight(timestamp);
        return effective < backend.Weight && _random.Next(backend.Weight) >= effective;
    }
}
