using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.HealthCheckOptions>;

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

    /// <summary>The settings under <c>healthCheck</c>, and their <c>tcplb run</c> flags.</summary>
    public static SettingSet<HealthCheckOptions> Settings { get; } = new(
        Value("kind", SettingWords.HealthCheck, o => o.Kind, (o, v) => o with { Kind = v },
            flag: "--health-check", help: "Active checks: none, tcp (connect) or http (GET --health-path)."),
        Value("path", SettingValues.Text("PATH").Where(path => path.StartsWith('/') && !path.Any(char.IsWhiteSpace) ? null : $"'{path}' is not a path: it starts with / and has no spaces"),
            o => o.HttpPath, (o, v) => o with { HttpPath = v },
            flag: "--health-path", help: "HTTP checks: the path requested."),
        Value("interval", SettingValues.Duration, o => o.Interval, (o, v) => o with { Interval = v },
            flag: "--health-interval", help: "Time between checks of a backend (jittered)."),
        Value("timeout", SettingValues.Duration, o => o.Timeout, (o, v) => o with { Timeout = v },
            flag: "--health-timeout", help: "How long one check may take."),
        Value("rise", SettingValues.Count(1), o => o.Rise, (o, v) => o with { Rise = v },
            flag: "--health-rise", help: "Successes in a row that bring a backend up."),
        Value("fall", SettingValues.Count(1), o => o.Fall, (o, v) => o with { Fall = v },
            flag: "--health-fall", help: "Failures in a row that take a backend down."),
        Value("port", SettingValues.Count(0, 65535, noun: "a port "), o => o.Port, (o, v) => o with { Port = v },
            flag: "--health-port", help: "Check this port instead of the backend's, without a PROXY header (the Deis router's 9090). 0 = the backend's."),
        Value("sendProxy", SettingValues.OrNull(SettingWords.SendProxy, "(as sendProxy)"), o => o.SendProxy, (o, v) => o with { SendProxy = v },
            flag: "--health-send-proxy", help: "Header checks send first: v2 (LOCAL), v1 (UNKNOWN) or off. Default: as --send-proxy."),
        Value("jitter", SettingValues.Fraction, o => o.Jitter, (o, v) => o with { Jitter = v },
            help: "Each interval is drawn within this fraction of it, so checks do not align."),
        Value("expectStatusMin", SettingValues.Integer, o => o.ExpectStatusMin, (o, v) => o with { ExpectStatusMin = v },
            help: "HTTP checks: the lowest status that passes."),
        Value("expectStatusMax", SettingValues.Integer, o => o.ExpectStatusMax, (o, v) => o with { ExpectStatusMax = v },
            help: "HTTP checks: the highest status that passes."));
}
