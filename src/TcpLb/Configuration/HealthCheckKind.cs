namespace TcpLb.Configuration;

/// <summary>How active health checks probe a backend.</summary>
internal enum HealthCheckKind
{
    /// <summary>No active checks: backends count as up unless passive checks eject them.</summary>
    None,

    /// <summary>A TCP connect (with the pool's PROXY header as LOCAL/UNKNOWN when it sends one), then close.</summary>
    Tcp,

    /// <summary>An HTTP/1.1 GET of a path; the status must be in the expected range.</summary>
    Http,
}
