using TcpLb.Balancing;

namespace TcpLb.Admin;

/// <summary>A pool as it runs (a listener's own or a named one), with the connections queued for one of its backends.</summary>
internal sealed record PoolView(Pool Pool, int QueueLength);
