namespace TcpLb.Configuration;

/// <summary>Active health checks of a pool's backends, with HAProxy's names and sensible defaults.</summary>
internal sealed record HealthCheckOptions
{
    public HealthCheckKind Kind { get; init; } = HealthCheckKind.None;

    /// <summary>Time between checks of one backend (HAProxy's <c>inter</c>), jittered so checks do not align.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one check may take (HAProxy's <c>timeout check</c>).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive successes that bring a down backend up (HAProxy's <c>rise</c>).</summary>
    public int Rise { get; init; } = 2;

    /// <summary>Consecutive failures that take an up backend down (HAProxy's <c>fall</c>).</summary>
    public int Fall { get; init; } = 3;

    /// <summary>Each interval is drawn from [interval × (1 − jitter), interval × (1 + jitter)].</summary>
    public double Jitter { get; init; } = 0.1;

    /// <summary>HTTP checks: the path requested.</summary>
    public string HttpPath { get; init; } = "/healthz";

    /// <summary>HTTP checks: the lowest status that passes.</summary>
    public int ExpectStatusMin { get; init; } = 200;

    /// <summary>HTTP checks: the highest status that passes (2xx and 3xx by default, as HAProxy's <c>httpchk</c>).</summary>
    public int ExpectStatusMax { get; init; } = 399;

    /// <summary>
    /// Check another port than the backend's (HAProxy's <c>port</c> on <c>check</c>; the Deis router serves
    /// <c>/healthz</c> on 9090). A check on another port never sends a PROXY header. 0 = the backend's port.
    /// </summary>
    public int Port { get; init; }

    /// <summary>
    /// The header a check on the backend's own port sends first: v2 LOCAL or v1 UNKNOWN (rule 25), because a
    /// router that listens with <c>proxy_protocol</c> refuses a connection without one. Null = as the pool sends.
    /// </summary>
    public ProxySendMode? SendProxy { get; init; }
}
