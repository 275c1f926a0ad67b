namespace TcpLb.Forwarding;

/// <summary>How a <see cref="CloseReason"/> is written in metrics tags and the access log: constant strings, no formatting.</summary>
internal static class CloseReasonText
{
    /// <summary>The reason in snake case (<c>backend_reset</c>), as a metric tag and in the access log.</summary>
    public static string Name(CloseReason reason) => reason switch
    {
        CloseReason.None => "none",
        CloseReason.Completed => "completed",
        CloseReason.ClientReset => "client_reset",
        CloseReason.BackendReset => "backend_reset",
        CloseReason.ClientClosedBeforeData => "client_closed_before_data",
        CloseReason.ClientIdleTimeout => "client_idle_timeout",
        CloseReason.BackendIdleTimeout => "backend_idle_timeout",
        CloseReason.HalfClosedTimeout => "half_closed_timeout",
        CloseReason.ProxyHeaderTimeout => "proxy_header_timeout",
        CloseReason.InvalidProxyHeader => "invalid_proxy_header",
        CloseReason.UntrustedSource => "untrusted_source",
        CloseReason.NoBackend => "no_backend",
        CloseReason.QueueFull => "queue_full",
        CloseReason.QueueTimeout => "queue_timeout",
        CloseReason.Shutdown => "shutdown",
        _ => "unknown",
    };

    /// <summary>
    /// HAProxy's two-letter termination state, so its users read the access log at a glance. First letter: who
    /// ended it (C client, S server, P the proxy, K killed by shutdown; lower case = a timeout on that side; - = a
    /// normal end). Second: where the connection was (R waiting for the client's header or first bytes, Q queued,
    /// C connecting, D forwarding data, L one side already closed; - = normal).
    /// </summary>
    public static string TerminationState(CloseReason reason) => reason switch
    {
        CloseReason.Completed => "--",
        CloseReason.ClientReset => "CD",
        CloseReason.BackendReset => "SD",
        CloseReason.ClientClosedBeforeData => "CR",
        CloseReason.ClientIdleTimeout => "cD",
        CloseReason.BackendIdleTimeout => "sD",
        CloseReason.HalfClosedTimeout => "cL",
        CloseReason.ProxyHeaderTimeout => "cR",
        CloseReason.InvalidProxyHeader => "PR",
        CloseReason.UntrustedSource => "PR",
        CloseReason.NoBackend => "SC",
        CloseReason.QueueFull => "PQ",
        CloseReason.QueueTimeout => "sQ",
        CloseReason.Shutdown => "KD",
        _ => "??",
    };
}
