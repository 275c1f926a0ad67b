using System.Diagnostics.CodeAnalysis;
using TcpLb.Configuration;

namespace TcpLb.Balancing;

/// <summary>The policies by the names configuration uses (<see cref="BalancingPolicyNames"/>); unknown names are rejected, not defaulted.</summary>
internal static class LoadBalancingPolicies
{
    /// <summary>
    /// A new policy (a pool's own: policies keep per-pool tables and counters) for <paramref name="name"/>
    /// (exact, case-sensitive), or false for an unknown name.
    /// </summary>
    /// <param name="random">
    /// The randomness the policy draws from, called by every connection concurrently: pass
    /// <see cref="System.Random.Shared"/> (thread-safe); a seeded <see cref="System.Random"/> is only safe
    /// where one thread chooses, as in tests.
    /// </param>
    public static bool TryCreate(string name, System.Random random, [NotNullWhen(true)] out ILoadBalancingPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(random);
        policy = name switch
        {
            BalancingPolicyNames.LeastConnections => new LeastConnectionsPolicy(random),
            BalancingPolicyNames.RoundRobin => new RoundRobinPolicy(random),
            BalancingPolicyNames.PowerOfTwo => new PowerOfTwoPolicy(random),
            BalancingPolicyNames.Random => new RandomPolicy(random),
            BalancingPolicyNames.SourceHash => new SourceHashPolicy(),
            _ => null,
        };
        return policy is not null;
    }
}
