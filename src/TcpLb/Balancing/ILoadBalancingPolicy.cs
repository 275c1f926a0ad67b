using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// Picks the backend for a new connection among one tier of a pool (primaries, or backups when no primary
/// is healthy). One implementation per file, chosen by <see cref="Name"/>. A choice must not allocate and
/// must cost O(1) or O(log n) per connection. A policy may keep state derived from a tier's membership and
/// configured weights (a Maglev table, a schedule), rebuilt when <see cref="PoolTier.Version"/> changes;
/// eligibility (health, drain, limits, retries) changes without a new version and is checked at choice time.
/// </summary>
internal interface ILoadBalancingPolicy
{
    /// <summary>The name used in configuration, logs and metrics (e.g. <c>least-connections</c>).</summary>
    string Name { get; }

    /// <summary>An eligible backend (<see cref="BalancingContext.IsEligible"/>), or null when none is.</summary>
    BackendState? Choose(PoolTier backends, in BalancingContext context);
}
