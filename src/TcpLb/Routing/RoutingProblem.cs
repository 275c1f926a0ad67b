namespace TcpLb.Routing;

/// <summary>
/// One thing wrong with a listener's routes or TLVs: <see cref="Path"/> is the key as the config file writes
/// it, relative to the listener (<c>routes[2].pool</c>, <c>defaultPool</c>); the config reader prefixes
/// <c>listeners[0].</c> and turns it into its own problem type.
/// </summary>
internal readonly record struct RoutingProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
