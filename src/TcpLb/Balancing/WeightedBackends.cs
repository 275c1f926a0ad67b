using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// A tier's backends with their configured weights side by side in arrays, so a scan reads the weights
/// without a trip through each backend's options, and skips slow-start arithmetic when no backend has it.
/// </summary>
internal sealed class WeightedBackends : TierTable
{
    private WeightedBackends(PoolTier tier)
        : base(tier)
    {
        Backends = [.. tier.Backends];
        Weights = [.. tier.Backends.Select(b => Math.Max(1, b.Weight))];
        AnySlowStart = tier.Backends.Any(b => b.Options.SlowStart > TimeSpan.Zero);
    }

    public BackendState[] Backends { get; }

    /// <summary>Configured weights, by the index of <see cref="Backends"/>.</summary>
    public int[] Weights { get; }

    /// <summary>Whether any backend is configured with slow start: if none is, the configured weights are the effective ones.</summary>
    public bool AnySlowStart { get; }

    public static WeightedBackends Build(PoolTier tier) => new(tier);
}
