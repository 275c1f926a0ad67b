namespace TcpLb.Model;

/// <summary>One consistent reading of a backend for a load-ordered index (see <see cref="BackendState.ReadLoad"/>).</summary>
/// <param name="Available">May take a new connection: up, not ejected, not draining, under its limit.</param>
/// <param name="Connections">Connections open now.</param>
/// <param name="Weight">The effective weight now (slow start included), at least 1.</param>
/// <param name="RecheckAt">The timestamp from which this reading may change with no event; <see cref="long.MaxValue"/> for never.</param>
internal readonly record struct LoadReading(bool Available, int Connections, int Weight, long RecheckAt);
