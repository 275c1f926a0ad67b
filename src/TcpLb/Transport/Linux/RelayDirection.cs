namespace TcpLb.Transport.Linux;

/// <summary>
/// One direction of a relayed connection (client to backend, or back). Holds memory only while bytes wait: a
/// user-space buffer rented when a write was partial (returned once drained), or a kernel pipe while splicing
/// (returned once empty). Bytes and last activity are plain fields: written by the loop, read by status and metrics.
/// </summary>
internal struct RelayDirection
{
    /// <summary>Bytes read from this direction's source.</summary>
    public long Bytes;

    /// <summary>Loop time (ms) of the last byte from the source.</summary>
    public long LastActivity;

    /// <summary>Bytes read but not yet written (the sink was full), from <see cref="PendingStart"/> to <see cref="PendingEnd"/>.</summary>
    public byte[]? Pending;

    public int PendingStart;

    public int PendingEnd;

    /// <summary>The pipe bytes pass through while splicing; null while none wait in it.</summary>
    public KernelPipe? Pipe;

    /// <summary>A read filled the whole buffer: a bulk transfer, carried by splice from now on.</summary>
    public bool Splicing;

    /// <summary>The source sent FIN (every byte before it was read).</summary>
    public bool SourceEnded;

    /// <summary>The FIN was passed on to the sink: this direction is over.</summary>
    public bool Ended;

    public readonly bool HasPending => PendingEnd > PendingStart || Pipe is { Bytes: > 0 };
}
