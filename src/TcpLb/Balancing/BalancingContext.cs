using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>What a policy may know about the connection being placed. A ref struct: built on the stack per choice.</summary>
internal readonly ref struct BalancingContext
{
    /// <summary>A hash of the client address as reported (after PROXY), for source-hash; the same client gives the same hash.</summary>
    public ulong ClientHash { get; init; }

    /// <summary>Now, as a <see cref="TimeProvider"/> timestamp (for slow-start weights).</summary>
    public long Timestamp { get; init; }

    /// <summary>Backends already tried for this connection (retries): never choose them again.</summary>
    public ReadOnlySpan<BackendState> Excluded { get; init; }

    /// <summary>Whether <paramref name="backend"/> may be chosen: available now and not already tried.</summary>
    public bool IsEligible(BackendState backend) => backend.IsAvailable && !Excluded.Contains(backend);
}
