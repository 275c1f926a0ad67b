using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.TimeoutOptions>;

namespace TcpLb.Configuration;

/// <summary>
/// Every timer a connection runs under, with defaults an HAProxy user would pick for WebSocket traffic
/// (<c>timeout connect 5s</c>, <c>timeout tunnel 1h</c>, <c>timeout client-fin 30s</c>).
/// </summary>
internal sealed record TimeoutOptions
{
    /// <summary>How long one backend may take to accept a connection before the next one is tried.</summary>
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Client-first: how long to wait for the client's first bytes before dialling anyway (server-speaks-first protocols).</summary>
    public TimeSpan FirstBytes { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a trusted upstream may take to send its whole PROXY header (rule 21; peers use 10-30 s).</summary>
    public TimeSpan ProxyHeader { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest time without a byte from the client before the connection is closed.</summary>
    public TimeSpan ClientIdle { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The longest time without a byte from the backend before the connection is closed.</summary>
    public TimeSpan BackendIdle { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Once one direction has ended (FIN passed on), the longest time the other may stay silent (HAProxy's client-fin/server-fin).</summary>
    public TimeSpan HalfClosed { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The timers as settings: the keys under <c>timeouts</c>, and their <c>tcplb run</c> flags.</summary>
    public static SettingSet<TimeoutOptions> Settings { get; } = new(
        Value("connect", SettingValues.Duration, o => o.Connect, (o, v) => o with { Connect = v },
            flag: "--connect-timeout", help: "Time one backend has to accept before the next is tried."),
        Value("firstBytes", SettingValues.Duration, o => o.FirstBytes, (o, v) => o with { FirstBytes = v },
            flag: "--first-bytes-timeout", help: "Client-first: dial anyway after this long without client bytes (server-speaks-first protocols)."),
        Value("proxyHeader", SettingValues.Duration, o => o.ProxyHeader, (o, v) => o with { ProxyHeader = v },
            flag: "--proxy-header-timeout", help: "Time a trusted upstream has to send its whole PROXY header."),
        Value("clientIdle", SettingValues.Duration, o => o.ClientIdle, (o, v) => o with { ClientIdle = v },
            flag: "--client-idle-timeout", help: "Close after this long without a byte from the client."),
        Value("backendIdle", SettingValues.Duration, o => o.BackendIdle, (o, v) => o with { BackendIdle = v },
            flag: "--backend-idle-timeout", help: "Close after this long without a byte from the backend."),
        Value("halfClosed", SettingValues.Duration, o => o.HalfClosed, (o, v) => o with { HalfClosed = v },
            flag: "--half-closed-timeout", help: "Once one side sent FIN, close if the other stays silent this long."));
}
