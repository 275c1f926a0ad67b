using System.Net;
using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.AdminOptions>;

namespace TcpLb.Configuration;

/// <summary>The admin HTTP endpoint: <c>/metrics</c> (Prometheus), <c>/healthz</c>, <c>/ready</c>, <c>/status</c>.</summary>
internal sealed record AdminOptions
{
    /// <summary>Where it listens; loopback by default, since it is not meant for clients.</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 9100);

    /// <summary>Off: no admin endpoint at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The settings under <c>admin</c>; <c>--admin-listen</c> (<see cref="TcpLbOptions.Settings"/>) sets both.</summary>
    public static SettingSet<AdminOptions> Settings { get; } = new(
        Value("listen", SettingValues.ListenEndPoint, o => o.Listen, (o, v) => o with { Listen = v },
            help: "Where the admin endpoint listens.", reload: ReloadEffect.Restart),
        Value("enabled", SettingValues.Bool, o => o.Enabled, (o, v) => o with { Enabled = v },
            help: "Off: no admin endpoint at all.", reload: ReloadEffect.Restart));
}
