using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// One cycle of nginx's smooth weighted round robin for a tier, precomputed: weights 5, 1, 1 give
/// a a b a c a a, each backend's turns spread over the cycle rather than bunched. Connections take turns with
/// one <see cref="Interlocked"/> increment, so a choice is O(1) however many backends there are.
/// </summary>
internal sealed class SmoothWeightedSchedule : TierTable
{
    /// <summary>
    /// The longest cycle built (about; rounding may add up to one turn per backend). Building costs
    /// O(backends × length) once per tier. Weights are first divided by their greatest common divisor; if they
    /// still sum past this, each is scaled to its share of it and rounded (at least 1), so a backend given t
    /// turns is off its exact share by at most half a turn in t.
    /// </summary>
    public const int MaxLength = 8192;

    private readonly BackendState[] _turns;

    // The last turn taken. Wraps around at 2^32 turns, where the cycle restarts early once: harmless.
    private int _lastTurn = -1;

    private SmoothWeightedSchedule(PoolTier tier, BackendState[] backends, BackendState[] turns, bool anySlowStart)
        : base(tier)
    {
        Backends = backends;
        _turns = turns;
        AnySlowStart = anySlowStart;
    }

    /// <summary>The tier's backends, for the fallback scan.</summary>
    public BackendState[] Backends { get; }

    /// <summary>One backend per turn, in the order they take connections.</summary>
    public ReadOnlySpan<BackendState> Turns => _turns;

    /// <summary>Whether any backend is configured with slow start: if none is, its check is skipped.</summary>
    public bool AnySlowStart { get; }

    /// <summary>Takes the next turn: a number that keeps growing, to be read with <see cref="BackendAt"/>.</summary>
    public uint NextTurn() => (uint)Interlocked.Increment(ref _lastTurn);

    /// <summary>The backend whose turn <paramref name="turn"/> is.</summary>
    public BackendState BackendAt(uint turn) => _turns[turn % (uint)_turns.Length];

    public static SmoothWeightedSchedule Build(PoolTier tier)
    {
        BackendState[] backends = [.. tier.Backends];
        int[] weights = CycleWeights(backends);
        int length = weights.Sum();
        var turns = new BackendState[length];

        // nginx's algorithm: every turn each backend gains its weight, the one furthest ahead takes the turn and
        // pays back the total. Over one cycle each takes exactly its weight in turns and the counters return to 0.
        var current = new long[backends.Length];
        for (int turn = 0; turn < length; turn++)
        {
            int best = 0;
            for (int i = 0; i < backends.Length; i++)
            {
                current[i] += weights[i];
                if (current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= length;
            turns[turn] = backends[best];
        }

        return new SmoothWeightedSchedule(tier, backends, turns, backends.Any(b => b.Options.SlowStart > TimeSpan.Zero));
    }

    /// <summary>The configured weights in their smallest proportional form, scaled down if they still sum past <see cref="MaxLength"/>.</summary>
    private static int[] CycleWeights(BackendState[] backends)
    {
        int[] weights = [.. backends.Select(b => b.Weight)];
        int divisor = weights.Aggregate(0, GreatestCommonDivisor);
        long sum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] /= divisor;
            sum += weights[i];
        }

        if (sum > MaxLength)
        {
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (int)Math.Max(1, (((long)weights[i] * MaxLength) + (sum / 2)) / sum); // rounded
            }
        }

        return weights;
    }

    private static int GreatestCommonDivisor(int a, int b) => b == 0 ? a : GreatestCommonDivisor(b, a % b);
}
