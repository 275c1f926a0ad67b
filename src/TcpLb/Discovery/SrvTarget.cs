using System.Net;

namespace TcpLb.Discovery;

/// <summary>One SRV record (RFC 2782) and the addresses its target host resolved to.</summary>
/// <param name="Host">The target host as DNS returned it (fully qualified, e.g. <c>node1.node.dc1.consul.</c>).</param>
/// <param name="Port">The port the service listens on at that host.</param>
/// <param name="Priority">Lower is preferred: clients use the lowest priority they can reach.</param>
/// <param name="Weight">Relative share among records of the same priority (0..65535).</param>
/// <param name="Addresses">The host's A/AAAA addresses; empty when it has none.</param>
internal sealed record SrvTarget(string Host, int Port, int Priority, int Weight, IReadOnlyList<IPAddress> Addresses);
