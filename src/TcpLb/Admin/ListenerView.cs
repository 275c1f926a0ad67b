using System.Net;
using TcpLb.Balancing;

namespace TcpLb.Admin;

/// <summary>A listener as it runs, seen from outside (admin <c>/status</c> and <c>/ready</c>).</summary>
internal sealed record ListenerView(IReadOnlyList<IPEndPoint> EndPoints, Pool Pool, int QueueLength, int ActiveConnections);
