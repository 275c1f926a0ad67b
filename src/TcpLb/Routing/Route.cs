using TcpLb.Tlvs;

namespace TcpLb.Routing;

/// <summary>One entry of a listener's <c>routes</c>: when <see cref="Match"/> holds, the connection goes to <see cref="Pool"/>.</summary>
internal sealed class Route
{
    public Route(RouteMatch match, string pool, ProxyTlvChoice? tlvs = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentException.ThrowIfNullOrEmpty(pool);
        Match = match;
        Pool = pool;
        Tlvs = tlvs;
    }

    public RouteMatch Match { get; }

    /// <summary>The name of the pool the route sends to.</summary>
    public string Pool { get; }

    /// <summary>The TLVs this route's headers carry; null for the listener's <c>proxyTlvs</c>.</summary>
    public ProxyTlvChoice? Tlvs { get; }

    public override string ToString() => $"{Match} -> {Pool}";
}
