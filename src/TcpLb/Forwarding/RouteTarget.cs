using TcpLb.Configuration;
using TcpLb.Tlvs;

namespace TcpLb.Forwarding;

/// <summary>
/// Where a route sends its connections, as one configuration made it (a reload makes new targets): the pool's connector,
/// the timers a routed connection runs under (the pool's, else the listener's), and the TLVs its header carries.
/// </summary>
internal sealed class RouteTarget(RouteTag tag, BackendConnector connector, TimeoutOptions timeouts, ProxyTlvChoice tlvs)
{
    /// <summary>The route as metrics and <c>/status</c> name it, with its counts.</summary>
    public RouteTag Tag { get; } = tag;

    /// <summary>Gets a backend of the route's pool.</summary>
    public BackendConnector Connector { get; } = connector;

    /// <summary>The idle, half-closed and connect timers once the connection is routed here.</summary>
    public TimeoutOptions Timeouts { get; } = timeouts;

    /// <summary>The TLVs of the PROXY v2 header sent.</summary>
    public ProxyTlvChoice Tlvs { get; } = tlvs;

    /// <summary>The pool's name, as logs and metrics write it.</summary>
    public string PoolName => Connector.Pool.Name;
}
