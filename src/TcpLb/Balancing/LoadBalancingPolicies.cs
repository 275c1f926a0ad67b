using System.Diagnostics.CodeAnalysis;

namespace TcpLb.Balancing;

/// <summary>The policies by the names configuration uses; unknown names are rejected, not defaulted.</summary>
internal static class LoadBalancingPolicies
{
    /// <summary>Fewest open connections per weight (<see cref="LeastConnectionsPolicy"/>).</summary>
    public const string LeastConnections = "least-connections";

    /// <summary>Smooth weighted round robin (<see cref="RoundRobinPolicy"/>).</summary>
    public const string RoundRobin = "round-robin";

    /// <summary>The less loaded of two random backends (<see cref="PowerOfTwoPolicy"/>).</summary>
    public const string PowerOfTwo = "power-of-two";

    /// <summary>Weighted random (<see cref="RandomPolicy"/>).</summary>
    public const string Random = "random";

    /// <summary>Consistent hashing of the client address (<see cref="SourceHashPolicy"/>).</summary>
    public const string SourceHash = "source-hash";

    /// <summary>
    /// The policy when none is configured: least-connections, because TcpLb carries long-lived connections
    /// (WebSockets, HTTP/2) whose count, not their arrival order, is what loads a router.
    /// </summary>
    public const string Default = LeastConnections;

    public static IReadOnlyList<string> Names { get; } = [LeastConnections, RoundRobin, PowerOfTwo, Random, SourceHash];

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
            LeastConnections => new LeastConnectionsPolicy(random),
            RoundRobin => new RoundRobinPolicy(random),
            PowerOfTwo => new PowerOfTwoPolicy(random),
            Random => new RandomPolicy(random),
            SourceHash => new SourceHashPolicy(),
            _ => null,
        };
        return policy is not null;
    }
}
