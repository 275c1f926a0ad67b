using TcpLb.Balancing;
using TcpLb.Diagnostics;
using TcpLb.Model;

namespace TcpLb.Admin;

/// <summary>
/// What <c>/status</c> serves and <c>tcplb status</c> prints: every listener with its default pool and routes, and every
/// pool (the listeners' own, then the named ones they share) with each backend.
/// </summary>
internal sealed record StatusReport(bool Ready, string ReadyReason, int ActiveConnections, IReadOnlyList<ListenerStatus> Listeners, IReadOnlyList<PoolStatus> Pools)
{
    public static StatusReport From(IBalancerStatus server)
    {
        (bool ready, string reason) = Readiness.Check(server);
        IReadOnlyList<ListenerView> listeners = server.Listeners;
        return new StatusReport(ready, reason, listeners.Sum(l => l.ActiveConnections), [.. listeners.Select(ListenerStatus.From)],
            [.. server.Pools.Select(view => PoolStatus.From(view.Pool, view.QueueLength))]);
    }
}

/// <summary>One listener: the addresses it accepts on, the pool of connections no route takes, and its routes.</summary>
internal sealed record ListenerStatus(IReadOnlyList<string> EndPoints, int ActiveConnections, PoolStatus Pool, IReadOnlyList<RouteStatus> Routes)
{
    public static ListenerStatus From(ListenerView listener) =>
        new([.. listener.EndPoints.Select(e => e.ToString())], listener.ActiveConnections, PoolStatus.From(listener.Pool, listener.QueueLength),
            [.. listener.Routes.Select(route => new RouteStatus(route.Match, route.Pool.Name, route.OpenConnections, route.Connections))]);
}

/// <summary>One route of a listener: its match as the file writes it (<c>default</c> for the default route), its pool, its connections open now and in all.</summary>
internal sealed record RouteStatus(string Match, string Pool, int ActiveConnections, long Connections);

/// <summary>One pool: its policy, the connections queued for a backend slot, and its backends.</summary>
internal sealed record PoolStatus(string Name, string Policy, int QueueLength, IReadOnlyList<BackendStatusReport> Backends)
{
    public static PoolStatus From(Pool pool, int queueLength) =>
        new(pool.Name, pool.Policy.Name, queueLength, [.. pool.All.Select(BackendStatusReport.From)]);
}

/// <summary>One backend: its state word (up, down, ejected, draining), the flags behind it, its load and settings.</summary>
internal sealed record BackendStatusReport(
    string Name, string State, bool Healthy, bool Ejected, bool Draining, bool Backup, int Weight, int ActiveConnections, int MaxConnections)
{
    public static BackendStatusReport From(BackendState backend) => new(
        backend.Name, BackendStatus.Of(backend), backend.IsHealthy, backend.IsEjected, backend.IsDraining, backend.IsBackup,
        backend.Weight, backend.ActiveConnections, backend.Options.MaxConnections);
}
