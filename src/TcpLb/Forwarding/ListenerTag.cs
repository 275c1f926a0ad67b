namespace TcpLb.Forwarding;

/// <summary>
/// One configured listener as its connections know it, the same object across reloads that keep the listener: the
/// name its metrics and logs use and how many connections it holds open now (kept by the <see cref="ConnectionRegistry"/>).
/// </summary>
internal sealed class ListenerTag(string name)
{
    private int _open;

    public string Name { get; } = name;

    /// <summary>Connections of this listener open now, in every phase.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    internal void Opened() => Interlocked.Increment(ref _open);

    internal void Closed() => Interlocked.Decrement(ref _open);

    public override string ToString() => Name;
}
