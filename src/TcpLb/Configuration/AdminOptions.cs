using System.Net;
using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.AdminOptions>;

namespace TcpLb.Configuration;

/// <summary>The admin HTTP endpoint: <c>/metrics</c> (Prometheus), <c>/healthz</c>, <c>/ready</c>, <c>/status</c>.</summary>
internal sealed record AdminOptions
{
    /// <summary>
    /// The default port. Not 9100, node_exporter's, which runs on most hosts Prometheus watches; and outside 9100-9999,
    /// the range Prometheus' port registry gives exporters, which is full: any port in it is some exporter's. Not in
    /// /etc/services, not a default of what runs next to a router, below the ephemeral ports (README says more).
    /// </summary>
    public const int DefaultPort = 8411;

    /// <summary>Where it listens; loopback by default, since it is not meant for clients.</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, DefaultPort);

    /// <summary>Off: no admin endpoint at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>A file holding the bearer token every request but <c>/healthz</c> must carry; null: none (or <c>TCPLB_ADMIN_TOKEN</c>).</summary>
    public string? TokenFile { get; init; }

    /// <summary>Serve a non-loopback address without a token: the operator says the network in front of it is trusted.</summary>
    public bool AllowUnauthenticated { get; init; }

    /// <summary>The settings under <c>admin</c>; <c>--admin-listen</c> (<see cref="TcpLbOptions.Settings"/>) sets both of the first two.</summary>
    public static SettingSet<AdminOptions> Settings { get; } = new(
        Value("listen", SettingValues.ListenEndPoint, o => o.Listen, (o, v) => o with { Listen = v },
            help: "Where the admin endpoint listens.", reload: ReloadEffect.Restart),
        Value("enabled", SettingValues.Bool, o => o.Enabled, (o, v) => o with { Enabled = v },
            help: "Off: no admin endpoint at all.", reload: ReloadEffect.Restart),
        Value("tokenFile", SettingValues.FilePath, o => o.TokenFile, (o, v) => o with { TokenFile = v },
            flag: "--admin-token-file",
            help: "A file holding the bearer token the admin endpoint requires on every path but /healthz (or set TCPLB_ADMIN_TOKEN).",
            reload: ReloadEffect.Restart, overridesFile: true),
        Value("allowUnauthenticated", SettingValues.Bool, o => o.AllowUnauthenticated, (o, v) => o with { AllowUnauthenticated = v },
            flag: "--admin-allow-unauthenticated",
            help: "Serve the admin endpoint on a non-loopback address without a token (refused otherwise).",
            reload: ReloadEffect.Restart, overridesFile: true));
}
