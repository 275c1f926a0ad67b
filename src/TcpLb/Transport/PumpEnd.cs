namespace TcpLb.Transport;

/// <summary>How one copy loop (socket to pipe, or pipe to socket) ended.</summary>
internal enum PumpEnd
{
    /// <summary>The stream ended in order: FIN received, or FIN passed on.</summary>
    Fin,

    /// <summary>The peer reset the connection, or a send to it failed.</summary>
    Reset,

    /// <summary>We closed the socket ourselves (abort, timeout, shutdown).</summary>
    Aborted,
}
