namespace TcpLb.Admin;

/// <summary>
/// What the admin endpoint reads from the running balancer (<c>/ready</c>, <c>/status</c>): whether it accepts, and
/// each listener as it runs. The composition root hands it the server; Admin never reaches into Hosting.
/// </summary>
internal interface IBalancerStatus
{
    /// <summary>True once the listeners are bound and until the balancer stops accepting (readiness).</summary>
    bool IsAccepting { get; }

    /// <summary>Each listener as it runs now: its bound addresses, pool, routes, queue and open connections.</summary>
    IReadOnlyList<ListenerView> Listeners { get; }

    /// <summary>Every pool: the listeners' own, then the named ones they share.</summary>
    IReadOnlyList<PoolView> Pools { get; }
}
