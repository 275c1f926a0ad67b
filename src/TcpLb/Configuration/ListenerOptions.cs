using System.Net;
using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.ListenerOptions>;

namespace TcpLb.Configuration;

/// <summary>One listener (HAProxy frontend): where it accepts, its own pool or its routes to named pools, and its PROXY settings.</summary>
internal sealed record ListenerOptions
{
    /// <summary>16 KiB, as HAProxy's default buffer: a ClientHello with post-quantum key shares or a request head with cookies fits.</summary>
    public const int DefaultInspectBytes = 16 * 1024;

    /// <summary>
    /// The most <c>inspectBytes</c> takes: the sockets engine stops reading a client once 64 KiB wait in its pipe
    /// (<c>SocketPipeOptions.PauseWriterThreshold</c>), so inspection must be decided within that.
    /// </summary>
    public const int MaxInspectBytes = 64 * 1024;

    /// <summary>The addresses to accept on; <c>[::]</c> is dual-stack.</summary>
    public required IReadOnlyList<IPEndPoint> Listen { get; init; }

    /// <summary>
    /// Its own pool (the implicit one), written beside <c>listen</c>: <c>backends</c>, <c>balance</c>, health checks, limits.
    /// Without backends or DNS, the listener sends only to named pools (<see cref="Routes"/>, <see cref="DefaultPool"/>).
    /// </summary>
    public PoolOptions Pool { get; init; } = new();

    /// <summary>Its own pool's backends (routers) given directly; DNS discovery may add more.</summary>
    public required IReadOnlyList<BackendOptions> Backends { get => Pool.Backends; init => Pool = Pool with { Backends = value }; }

    /// <summary>Its own pool's balancing policy by name (<see cref="BalancingPolicyNames"/>).</summary>
    public string Balance { get => Pool.Balance; init => Pool = Pool with { Balance = value }; }

    /// <summary>Its own pool's active health checks.</summary>
    public HealthCheckOptions HealthCheck { get => Pool.HealthCheck; init => Pool = Pool with { HealthCheck = value }; }

    /// <summary>Its own pool's passive health checks (outlier ejection).</summary>
    public PassiveHealthOptions PassiveHealth { get => Pool.PassiveHealth; init => Pool = Pool with { PassiveHealth = value }; }

    /// <summary>Its own pool's backends from DNS, in addition to <see cref="Backends"/>.</summary>
    public DnsDiscoveryOptions? Discovery { get => Pool.Discovery; init => Pool = Pool with { Discovery = value }; }

    /// <summary>Its own pool's retries: other backends tried after a failed connect, at most.</summary>
    public int Retries { get => Pool.Retries; init => Pool = Pool with { Retries = value }; }

    /// <summary>Its own pool's queue: connections that may wait for a backend slot.</summary>
    public int MaxQueue { get => Pool.MaxQueue; init => Pool = Pool with { MaxQueue = value }; }

    /// <summary>How long a connection may wait in its own pool's queue.</summary>
    public TimeSpan QueueTimeout { get => Pool.QueueTimeout; init => Pool = Pool with { QueueTimeout = value }; }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> hold the same settings, as the declarations compare them (records compare lists by reference).</summary>
    public static bool SameSettings(ListenerOptions a, ListenerOptions b) => !Settings.Changes(a, b).Any();

    /// <summary>True when the listener has its own pool (backends listed or found by DNS).</summary>
    public bool HasOwnPool => Pool.HasBackends;

    /// <summary>In order, first match wins: where a connection goes by what its first bytes or its client show.</summary>
    public IReadOnlyList<RouteOptions> Routes { get; init; } = [];

    /// <summary>The named pool of connections no route takes; null with its own pool, or routes ending with an empty match.</summary>
    public string? DefaultPool { get; init; }

    /// <summary>The TLVs added to the PROXY v2 headers sent (a route may choose its own).</summary>
    public IReadOnlyList<ProxyTlvOptions> ProxyTlvs { get; init; } = [];

    /// <summary>
    /// The most first bytes read to route by (and to find the AUTHORITY and ALPN TLVs) before the default route is taken:
    /// a ClientHello or request head longer than this is not inspected.
    /// </summary>
    public int InspectBytes { get; init; } = DefaultInspectBytes;

    /// <summary>
    /// Most connections this listener holds at once; at the limit it stops accepting, and new clients wait in the
    /// kernel's listen backlog until a connection closes. 0 = no limit.
    /// </summary>
    public int MaxConnections { get; init; }

    /// <summary>The header sent to backends.</summary>
    public ProxySendMode SendProxy { get; init; } = ProxySendMode.Off;

    /// <summary>Add a CRC32C TLV to v2 headers sent.</summary>
    public bool SendProxyCrc32C { get; init; }

    /// <summary>Sources (upstream balancers) that must open with a PROXY header (rule 20). Empty: every client is direct.</summary>
    public IReadOnlyList<IPNetwork> AcceptProxyFrom { get; init; } = [];

    /// <summary>With <see cref="AcceptProxyFrom"/>: also serve sources outside those networks as direct clients.</summary>
    public bool AllowDirect { get; init; }

    /// <summary>Forward the v2 TLVs a trusted upstream sent in the v2 header sent to the backend (rule 24).</summary>
    public bool ForwardTlvs { get; init; }

    /// <summary>The cap on the v2 header length accepted from an upstream (rule 21).</summary>
    public int MaxProxyHeaderLength { get; init; } = 4096;

    /// <summary>When the backend is dialled.</summary>
    public ConnectMode Connect { get; init; } = ConnectMode.OnFirstBytes;

    /// <summary>The timers.</summary>
    public TimeoutOptions Timeouts { get; init; } = new();

    /// <summary>
    /// TCP keepalive on the client's and the backend's socket (HAProxy's <c>option clitcpka</c>/<c>srvtcpka</c> with
    /// <c>tcp-ka-idle</c>): after this long without traffic the kernel probes the peer, at its own interval and count,
    /// so a peer that vanished (a dropped NAT entry, a powered-off client) is found before the idle timeouts. Zero: off.
    /// </summary>
    public TimeSpan TcpKeepalive { get; init; }

    // --tcp-keepalive: the kernel counts the idle time in whole seconds, at most 32767 (TCP_KEEPIDLE).
    private static readonly SettingValue<TimeSpan> s_keepaliveIdle = SettingValues.DurationOrOff.Where(idle =>
        idle.Ticks % TimeSpan.TicksPerSecond != 0 ? $"'{ValueParsers.FormatDuration(idle)}' is not a whole number of seconds"
        : idle.TotalSeconds > 32767 ? $"'{ValueParsers.FormatDuration(idle)}' is more than the kernel's 32767s"
        : null);

    /// <summary>
    /// A listener's settings: its keys in the file (an item of <c>listeners</c>), its <c>tcplb run</c> flags, what a reload
    /// says of each. To add a setting, add its property above and its row here; the file, the flags, <c>--help</c>, the
    /// reload line and the example file's test follow.
    /// </summary>
    public static SettingSet<ListenerOptions> Settings { get; } = new(
    [
        List("listen", SettingValues.ListenEndPoint, o => o.Listen, (o, v) => o with { Listen = v },
            flag: "--listen", help: "Address to accept on: 127.0.0.1:8080, [::1]:8080, *:8080 (all addresses, dual-stack). Repeatable.",
            missing: "missing; give the addresses to accept on, e.g. [\"127.0.0.1:8080\"]"),
        .. PoolOptions.SharedSettings.Inline<ListenerOptions>(o => o.Pool, (o, v) => o with { Pool = v }),
        Value("maxConnections", SettingValues.Count(0), o => o.MaxConnections, (o, v) => o with { MaxConnections = v },
            flag: "--max-connections", help: "Most connections the listener holds; more wait in the kernel backlog. 0 = no limit."),
        Value("sendProxy", SettingWords.SendProxy, o => o.SendProxy, (o, v) => o with { SendProxy = v },
            flag: "--send-proxy", help: "PROXY header sent to backends: v1 (every router), v2 (nginx >= 1.13.11, HAProxy, Envoy) or off."),
        Value("sendProxyCrc32c", SettingValues.Bool, o => o.SendProxyCrc32C, (o, v) => o with { SendProxyCrc32C = v },
            flag: "--send-proxy-crc32c", help: "Add a CRC32C TLV to v2 headers sent."),
        List("acceptProxyFrom", SettingValues.Network, o => o.AcceptProxyFrom, (o, v) => o with { AcceptProxyFrom = v },
            flag: "--accept-proxy-from", help: "Upstream balancer network (CIDR) whose connections must start with a PROXY header. Repeatable."),
        Value("allowDirect", SettingValues.Bool, o => o.AllowDirect, (o, v) => o with { AllowDirect = v },
            flag: "--allow-direct", help: "With --accept-proxy-from: also serve other sources, as direct clients."),
        Value("forwardTlvs", SettingValues.Bool, o => o.ForwardTlvs, (o, v) => o with { ForwardTlvs = v },
            flag: "--forward-tlvs", help: "Forward the v2 TLVs a trusted upstream sent (with --send-proxy v2)."),
        Value("maxProxyHeaderLength", SettingValues.Count(0, 65535), o => o.MaxProxyHeaderLength, (o, v) => o with { MaxProxyHeaderLength = v },
            flag: "--max-proxy-header-length", help: "Largest v2 header length accepted from an upstream."),
        Value("connect", SettingWords.Connect, o => o.Connect, (o, v) => o with { Connect = v },
            flag: "--connect", help: "When to dial the backend: on-first-bytes (client-first: once the client's first bytes arrive, sent with the header in one write) or on-accept (at once)."),
        Value("tcpKeepalive", s_keepaliveIdle, o => o.TcpKeepalive, (o, v) => o with { TcpKeepalive = v },
            flag: "--tcp-keepalive", help: "TCP keepalive on both sockets: probe a peer silent for this long (off, or whole seconds up to 32767s)."),
        Section("timeouts", o => o.Timeouts, (o, v) => o with { Timeouts = v }, TimeoutOptions.Settings, example: "{connect: 5s, clientIdle: 1h}"),
        new SectionListSetting<ListenerOptions, RouteOptions>("routes", o => o.Routes, (o, v) => o with { Routes = v }, () => new RouteOptions(), RouteOptions.Settings)
        {
            Example = "{match: {sni: ws.example.com}, pool: ws}",
            Describe = route => route.ToString(),
        },
        Value("defaultPool", SettingValues.OrNone(SettingValues.Text("NAME"), "(none)"), o => o.DefaultPool, (o, v) => o with { DefaultPool = v },
            help: "The pool (under pools) of connections no route takes."),
        new SectionListSetting<ListenerOptions, ProxyTlvOptions>("proxyTlvs", o => o.ProxyTlvs, (o, v) => o with { ProxyTlvs = v }, () => new ProxyTlvOptions(), ProxyTlvOptions.Settings)
        {
            Example = "{type: 0xE1, value: \"edge-1\"}",
            ShortForm = ProxyTlvOptions.ShortForm,
            Flag = "--proxy-tlv",
            Help = "A TLV added to PROXY v2 headers: authority (the SNI, else the HTTP host), alpn (the client's first offer), unique-id (also the access log's id), crc32c, or a custom 0xE0..0xEF=TEXT. Repeatable.",
            Describe = ProxyTlvOptions.Describe,
        },
        Value("inspectBytes", SettingValues.Count(1, MaxInspectBytes), o => o.InspectBytes, (o, v) => o with { InspectBytes = v },
            flag: "--inspect-bytes", help: "Most first bytes read to route by (TLS SNI/ALPN, HTTP host) before the default route is taken."),
    ]);
}
