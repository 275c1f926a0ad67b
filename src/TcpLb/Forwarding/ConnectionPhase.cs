namespace TcpLb.Forwarding;

/// <summary>Where an open connection is in its life (status, metrics, HAProxy-style termination states).</summary>
internal enum ConnectionPhase
{
    /// <summary>A trusted upstream's PROXY header is being read.</summary>
    WaitingForHeader,

    /// <summary>Client-first: waiting for the client's first bytes before dialling.</summary>
    WaitingForFirstBytes,

    /// <summary>Choosing a backend, queued for a slot, or dialling one.</summary>
    Connecting,

    /// <summary>Relaying both directions.</summary>
    Established,

    /// <summary>Relaying, one direction already ended (its FIN passed on).</summary>
    HalfClosed,
}
