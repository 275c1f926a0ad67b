namespace TcpLb.Transport.Linux;

/// <summary>How a <see cref="LoopConnection"/>'s sockets were closed.</summary>
internal enum RelayEnd
{
    /// <summary>Both directions passed their FIN on: every byte was delivered.</summary>
    Completed,

    /// <summary>The client reset (or a write to it failed): the backend was reset too.</summary>
    ClientReset,

    /// <summary>The backend reset (or a write to it failed): the client was reset too.</summary>
    BackendReset,

    /// <summary>The owner closed it (its own reason: a timeout, a refused header, no backend, shutdown).</summary>
    ClosedByOwner,
}
