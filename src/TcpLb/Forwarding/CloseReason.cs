namespace TcpLb.Forwarding;

/// <summary>How a connection ended; the first reason recorded wins (logs and metrics use it alike).</summary>
internal enum CloseReason
{
    /// <summary>Still open.</summary>
    None = 0,

    /// <summary>Both sides sent FIN and every byte was delivered.</summary>
    Completed,

    /// <summary>The client reset the connection (or a send to it failed); the backend was reset too.</summary>
    ClientReset,

    /// <summary>The backend reset the connection (or a send to it failed); the client was reset too.</summary>
    BackendReset,

    /// <summary>The client closed before sending a byte (client-first: nothing to forward).</summary>
    ClientClosedBeforeData,

    /// <summary>No byte from the client within the client idle timeout.</summary>
    ClientIdleTimeout,

    /// <summary>No byte from the backend within the backend idle timeout.</summary>
    BackendIdleTimeout,

    /// <summary>One direction had ended and the other stayed silent past the half-closed timeout.</summary>
    HalfClosedTimeout,

    /// <summary>A trusted upstream did not send its whole PROXY header in time.</summary>
    ProxyHeaderTimeout,

    /// <summary>A trusted upstream sent an invalid PROXY header, or none.</summary>
    InvalidProxyHeader,

    /// <summary>The source is not a trusted upstream and direct clients are not allowed.</summary>
    UntrustedSource,

    /// <summary>No backend accepted the connection (none healthy, or every one tried failed).</summary>
    NoBackend,

    /// <summary>Every healthy backend was at its limit and the queue was full.</summary>
    QueueFull,

    /// <summary>Every healthy backend stayed at its limit for the whole queue timeout.</summary>
    QueueTimeout,

    /// <summary>TcpLb is shutting down.</summary>
    Shutdown,
}
