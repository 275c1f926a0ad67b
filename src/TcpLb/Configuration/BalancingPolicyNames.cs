namespace TcpLb.Configuration;

/// <summary>
/// The balancing policies by the names the <c>balance</c> setting, logs and metrics use. Each names one policy of
/// <c>Balancing/</c> (<c>LoadBalancingPolicies.TryCreate</c> maps it); the setting accepts exactly these.
/// </summary>
internal static class BalancingPolicyNames
{
    /// <summary>Fewest open connections per weight.</summary>
    public const string LeastConnections = "least-connections";

    /// <summary>Smooth weighted round robin.</summary>
    public const string RoundRobin = "round-robin";

    /// <summary>The less loaded of two random backends.</summary>
    public const string PowerOfTwo = "power-of-two";

    /// <summary>Weighted random.</summary>
    public const string Random = "random";

    /// <summary>Consistent hashing (Maglev) of the client address.</summary>
    public const string SourceHash = "source-hash";

    /// <summary>
    /// The policy when none is configured: least-connections, because TcpLb carries long-lived connections
    /// (WebSockets, HTTP/2) whose count, not their arrival order, is what loads a router.
    /// </summary>
    public const string Default = LeastConnections;

    public static IReadOnlyList<string> All { get; } = [LeastConnections, RoundRobin, PowerOfTwo, Random, SourceHash];
}
