using System.Diagnostics.CodeAnalysis;
using System.Net;
using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.ListenerOptions>;

namespace TcpLb.Configuration;

/// <summary>One listener (HAProxy frontend) with its pool of backends and PROXY settings.</summary>
internal sealed record ListenerOptions
{
    /// <summary>The addresses to accept on; <c>[::]</c> is dual-stack.</summary>
    public required IReadOnlyList<IPEndPoint> Listen { get; init; }

    /// <summary>The backends (routers) given directly; DNS discovery may add more.</summary>
    public required IReadOnlyList<BackendOptions> Backends { get; init; }

    /// <summary>The balancing policy by name (<see cref="BalancingPolicyNames"/>).</summary>
    public string Balance { get; init; } = BalancingPolicyNames.Default;

    /// <summary>Active health checks.</summary>
    public HealthCheckOptions HealthCheck { get; init; } = new();

    /// <summary>Passive health checks (outlier ejection).</summary>
    public PassiveHealthOptions PassiveHealth { get; init; } = new();

    /// <summary>Backends from DNS, in addition to <see cref="Backends"/>.</summary>
    public DnsDiscoveryOptions? Discovery { get; init; }

    /// <summary>Other backends tried after a failed connect (nothing was sent yet, client-first), at most.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>
    /// Most connections this listener holds at once; at the limit it stops accepting, and new clients wait in the
    /// kernel's listen backlog until a connection closes. 0 = no limit.
    /// </summary>
    public int MaxConnections { get; init; }

    /// <summary>Connections that may wait for a backend slot when every backend is at its limit (HAProxy's <c>maxqueue</c>).</summary>
    public int MaxQueue { get; init; } = 1024;

    /// <summary>How long a connection may wait in that queue (HAProxy's <c>timeout queue</c>).</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(5);

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

    // --dns NAME:PORT: a name, since an address is a backend. Declared before Settings, which reads it when initialized.
    private static readonly SettingValue<DnsEndPoint> s_dnsName = new("NAME:PORT", static (string text, [MaybeNullWhen(false)] out DnsEndPoint name, out string error) =>
    {
        name = null;
        if (!ValueParsers.TryParseBackendEndPoint(text, out EndPoint? endPoint, out error))
        {
            return false;
        }

        name = endPoint as DnsEndPoint;
        error = name is null ? $"'{text}' is an address, not a name to resolve; use --backend" : string.Empty;
        return name is not null;
    }, static name => ValueParsers.FormatEndPoint(name));

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
        List("listen", SettingValues.ListenEndPoint, o => o.Listen, (o, v) => o with { Listen = v },
            flag: "--listen", help: "Address to accept on: 127.0.0.1:8080, [::1]:8080, *:8080 (all addresses, dual-stack). Repeatable.",
            missing: "missing; give the addresses to accept on, e.g. [\"127.0.0.1:8080\"]"),
        new SectionListSetting<ListenerOptions, BackendOptions>("backends", o => o.Backends, (o, v) => o with { Backends = v }, BackendOptions.WithoutAddress, BackendOptions.Settings)
        {
            Example = "{address: \"10.0.0.5:80\", weight: 2}",
            ShortForm = BackendOptions.ShortForm,
            Flag = "--backend",
            Help = "A router: 10.0.0.5:80, [fd00::5]:80 or router.local:80, with its settings after commas (10.0.0.5:80,weight=3,max-conn=500,slow-start=30s,backup). Repeatable.",
            Identity = backend => $"backend {ValueParsers.FormatEndPoint(backend.Address)}",
        },
        Value("balance", SettingWords.Balance, o => o.Balance, (o, v) => o with { Balance = v },
            flag: "--balance", help: "Balancing policy (least-connections suits long-lived WebSockets)."),
        Value("retries", SettingValues.Count(0), o => o.Retries, (o, v) => o with { Retries = v },
            flag: "--retries", help: "Other backends tried after a refused or timed-out connect."),
        Value("maxConnections", SettingValues.Count(0), o => o.MaxConnections, (o, v) => o with { MaxConnections = v },
            flag: "--max-connections", help: "Most connections the listener holds; more wait in the kernel backlog. 0 = no limit."),
        Value("maxQueue", SettingValues.Count(0), o => o.MaxQueue, (o, v) => o with { MaxQueue = v },
            flag: "--max-queue", help: "Connections that may wait when every healthy backend is at its max-conn."),
        Value("queueTimeout", SettingValues.Duration, o => o.QueueTimeout, (o, v) => o with { QueueTimeout = v },
            flag: "--queue-timeout", help: "How long a connection may wait in that queue."),
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
        Section("healthCheck", o => o.HealthCheck, (o, v) => o with { HealthCheck = v }, HealthCheckOptions.Settings, example: "{kind: http, path: /healthz}"),
        Section("passiveHealth", o => o.PassiveHealth, (o, v) => o with { PassiveHealth = v }, PassiveHealthOptions.Settings, example: "{failures: 5, ejection: 10s}"),
        Flag("--dns", "dns", s_dnsName, (o, v) => o with { Discovery = (o.Discovery ?? new DnsDiscoveryOptions { Name = v.Host }) with { Name = v.Host, Port = v.Port, Srv = false } },
            help: "Backends from the A/AAAA records of NAME:PORT, re-resolved every --dns-interval."),
        Flag("--dns-srv", "dns", SettingValues.Text("NAME"), (o, v) => o with { Discovery = (o.Discovery ?? new DnsDiscoveryOptions { Name = v }) with { Name = v, Srv = true } },
            help: "Backends from the SRV records of NAME (ports and weights from the records).", excludes: "--dns"),
        OptionalSection("dns", o => o.Discovery, (o, v) => o with { Discovery = v }, () => new DnsDiscoveryOptions { Name = string.Empty }, DnsDiscoveryOptions.Settings,
            example: "{name: router.local, port: 80}", describe: dns => dns.Describe()));
}
