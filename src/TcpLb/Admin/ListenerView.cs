using System.Net;
using TcpLb.Balancing;

namespace TcpLb.Admin;

/// <summary>
/// A listener as it runs, seen from outside (admin <c>/status</c> and <c>/ready</c>): <see cref="Pool"/> takes the
/// connections no route takes (its own, its default pool, or its last route's); <see cref="Routes"/> are its routes in
/// order, then its default.
/// </summary>
internal sealed record ListenerView(IReadOnlyList<IPEndPoint> EndPoints, Pool Pool, int QueueLength, int ActiveConnections, IReadOnlyList<RouteView> Routes);
