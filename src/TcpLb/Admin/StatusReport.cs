using TcpLb.Balancing;
using TcpLb.Diagnostics;
using TcpLb.Model;

namespace TcpLb.Admin;

/// <summary>What <c>/status</c> serves and <c>tcplb status</c> prints: every listener, its pool and each backend.</summary>
internal sealed record StatusReport(bool Ready, string ReadyReason, int ActiveConnections, IReadOnlyList<ListenerStatus> Listeners)
{
    public static StatusReport From(IBalancerStatus server)
    {
        (bool ready, string reason) = Readiness.Check(server);
        IReadOnlyList<ListenerView> listeners = server.Listeners;
        return new StatusReport(ready, reason, listeners.Sum(l => l.ActiveConnections), [.. listeners.Select(ListenerStatus.From)]);
    }
}

/// <summary>One listener: the addresses it accepts on and its pool.</summary>
internal sealed record ListenerStatus(IReadOnlyList<string> EndPoints, int ActiveConnections, PoolStatus Pool)
{
    public static ListenerStatus From(ListenerView listener) =>
        new([.. listener.EndPoints.Select(e => e.ToString())], listener.ActiveConnections, PoolStatus.From(listener.Pool, listener.QueueLength));
}

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
