namespace TcpLb.Transport;

/// <summary>
/// Told by each copy loop, as its last step, how it ended. The connection reacts at once (a reset resets the
/// other side, a FIN passed on starts the half-closed clock) without a continuation object per loop: one
/// observer per connection instead of one awaiting task per loop.
/// </summary>
internal interface IPumpObserver
{
    void LoopEnded(PumpLoop loop, PumpEnd end);
}

/// <summary>The four copy loops of one proxied connection.</summary>
internal enum PumpLoop
{
    /// <summary>Client socket into the client-to-backend pipe.</summary>
    ClientReceive,

    /// <summary>Client-to-backend pipe into the backend socket.</summary>
    BackendSend,

    /// <summary>Backend socket into the backend-to-client pipe.</summary>
    BackendReceive,

    /// <summary>Backend-to-client pipe into the client socket.</summary>
    ClientSend,
}
