using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// Walker's alias table (Vose's construction) over a tier's configured weights: one uniform 63-bit draw picks a
/// backend with probability weight / total weight in O(1), however many backends and whatever the weights.
/// Each column holds its own backend and an alias; the draw picks a column and keeps the column's backend
/// with the column's probability, or takes the alias.
/// </summary>
internal sealed class WeightedAliasTable : TierTable
{
    // Keep-probabilities are fixed-point with 31 fractional bits, compared with 31 bits of the draw.
    private const int ProbabilityBits = 31;
    private const ulong ProbabilityMask = (1UL << ProbabilityBits) - 1;

    private readonly uint[] _keepBelow;
    private readonly int[] _alias;

    private WeightedAliasTable(PoolTier tier, BackendState[] backends, uint[] keepBelow, int[] alias, bool anySlowStart)
        : base(tier)
    {
        Backends = backends;
        _keepBelow = keepBelow;
        _alias = alias;
        AnySlowStart = anySlowStart;
    }

    public BackendState[] Backends { get; }

    /// <summary>Whether any backend is configured with slow start: if none is, its check is skipped.</summary>
    public bool AnySlowStart { get; }

    /// <summary>
    /// The backend a uniform draw of 63 bits (<see cref="Random.NextInt64()"/>) lands on: bits 31..62 pick the
    /// column, bits 0..30 decide between the column's backend and its alias.
    /// </summary>
    public BackendState Pick(ulong draw)
    {
        int column = StableHash.Below(draw << 1, _keepBelow.Length);
        int index = (draw & ProbabilityMask) < _keepBelow[column] ? column : _alias[column];
        return Backends[index];
    }

    public static WeightedAliasTable Build(PoolTier tier)
    {
        BackendState[] backends = [.. tier.Backends];
        int count = backends.Length;
        var keepBelow = new uint[count];
        var alias = new int[count];

        // Column i holds weight * count out of the total; the columns are evened out to exactly one total each
        // by letting overfull columns lend to underfull ones (integers throughout: no rounding drift).
        long[] scaled = [.. backends.Select(b => (long)Math.Max(1, b.Weight) * count)];
        long total = backends.Sum(b => (long)Math.Max(1, b.Weight));
        var underfull = new Stack<int>();
        var overfull = new Stack<int>();
        for (int i = 0; i < count; i++)
        {
            (scaled[i] < total ? underfull : overfull).Push(i);
        }

        while (underfull.Count > 0 && overfull.Count > 0)
        {
            int small = underfull.Pop();
            int large = overfull.Peek();
            keepBelow[small] = (uint)((scaled[small] << ProbabilityBits) / total);
            alias[small] = large;
            scaled[large] -= total - scaled[small];
            if (scaled[large] < total)
            {
                underfull.Push(overfull.Pop());
            }
        }

        // What remains is exactly full (or off by rounding that integers rule out): always kept.
        foreach (int full in overfull.Concat(underfull))
        {
            keepBelow[full] = 1U << ProbabilityBits;
            alias[full] = full;
        }

        return new WeightedAliasTable(tier, backends, keepBelow, alias, backends.Any(b => b.Options.SlowStart > TimeSpan.Zero));
    }
}
