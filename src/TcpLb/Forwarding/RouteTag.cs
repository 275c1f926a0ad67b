namespace TcpLb.Forwarding;

/// <summary>
/// One route of a listener as its connections and <c>/status</c> know it, the same object across reloads that keep a
/// route with the same match: its name in metrics (<c>tcplb.route</c>: the match as the file writes it, or
/// <c>default</c>), the connections it took since the listener started, and those of them open now.
/// </summary>
internal sealed class RouteTag(string name)
{
    /// <summary>The name of the default route: connections no route takes.</summary>
    public const string DefaultName = "default";

    private long _routed;
    private int _open;

    public string Name { get; } = name;

    /// <summary>Connections this route took.</summary>
    public long Routed => Interlocked.Read(ref _routed);

    /// <summary>Those of them open now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    internal void Opened()
    {
        Interlocked.Increment(ref _routed);
        Interlocked.Increment(ref _open);
    }

    internal void Closed() => Interlocked.Decrement(ref _open);

    public override string ToString() => Name;
}
