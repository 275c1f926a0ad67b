using TcpLb.Balancing;

namespace TcpLb.Admin;

/// <summary>A listener's route as it runs: its match as the file writes it (or <c>default</c>), its pool, the connections it took and holds open.</summary>
internal sealed record RouteView(string Match, Pool Pool, int QueueLength, int OpenConnections, long Connections);
