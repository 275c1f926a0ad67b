using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.RegularExpressions;
using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.PoolOptions>;

namespace TcpLb.Configuration;

/// <summary>
/// A pool of backends (HAProxy backend, YARP cluster): its routers, how connections are spread over them, their health
/// checks, limits and queue. Named and shared under <c>pools</c> (listeners send to it by <c>routes</c> and
/// <c>defaultPool</c>), or a listener's own, written beside its <c>listen</c> (<see cref="ListenerOptions.Pool"/>).
/// </summary>
internal sealed partial record PoolOptions
{
    /// <summary>
    /// The largest PROXY header assumed of routers by default: nginx's <c>client_header_buffer_size</c> (1k), which bounds
    /// the header on an nginx <c>http</c> listener with <c>proxy_protocol</c>. nginx 1.22 takes less with <c>ssl</c> (108)
    /// and in <c>stream</c> (107), HAProxy 2.6 more (16384): README, "PROXY header limits".
    /// </summary>
    public const int DefaultMaxHeaderLength = 1024;

    /// <summary>Its name under <c>pools</c>; empty for a listener's own pool (which is named after the listener).</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The backends (routers) given directly; DNS discovery may add more.</summary>
    public IReadOnlyList<BackendOptions> Backends { get; init; } = [];

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

    /// <summary>Connections that may wait for a backend slot when every backend is at its limit (HAProxy's <c>maxqueue</c>).</summary>
    public int MaxQueue { get; init; } = 1024;

    /// <summary>How long a connection may wait in that queue (HAProxy's <c>timeout queue</c>).</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The largest PROXY header (16 + len bytes) the pool's routers accept: a <c>proxyTlvs</c> choice whose header could be
    /// longer is refused by the config check, naming the route.
    /// </summary>
    public int MaxHeaderLength { get; init; } = DefaultMaxHeaderLength;

    /// <summary>A named pool's timers; those not set are the listener's that accepted the connection.</summary>
    public PoolTimeoutOptions Timeouts { get; init; } = new();

    /// <summary>True when it has backends to send to: listed, or found by DNS.</summary>
    public bool HasBackends => Backends.Count > 0 || Discovery is not null;

    // --dns NAME:PORT: a name, since an address is a backend. Declared before the settings, which read it when initialized.
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

    /// <summary>
    /// The settings a named pool and a listener's own pool share; a listener writes them beside <c>listen</c>, and the
    /// <c>tcplb run</c> flags set them (a named pool has no flags).
    /// </summary>
    public static SettingSet<PoolOptions> SharedSettings { get; } = new(
        new SectionListSetting<PoolOptions, BackendOptions>("backends", o => o.Backends, (o, v) => o with { Backends = v }, BackendOptions.WithoutAddress, BackendOptions.Settings)
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
        Value("maxQueue", SettingValues.Count(0), o => o.MaxQueue, (o, v) => o with { MaxQueue = v },
            flag: "--max-queue", help: "Connections that may wait when every healthy backend is at its max-conn."),
        Value("queueTimeout", SettingValues.Duration, o => o.QueueTimeout, (o, v) => o with { QueueTimeout = v },
            flag: "--queue-timeout", help: "How long a connection may wait in that queue."),
        Value("maxHeaderLength", SettingValues.Count(16, 16 + 65535, "a PROXY header length "), o => o.MaxHeaderLength, (o, v) => o with { MaxHeaderLength = v },
            flag: "--max-header-length", help: "The largest PROXY header the routers accept (nginx 1.22: 107 stream, 108 ssl, 1024 http; HAProxy 2.6: 16384); longer possible TLVs are refused."),
        Section("healthCheck", o => o.HealthCheck, (o, v) => o with { HealthCheck = v }, HealthCheckOptions.Settings, example: "{kind: http, path: /healthz}"),
        Section("passiveHealth", o => o.PassiveHealth, (o, v) => o with { PassiveHealth = v }, PassiveHealthOptions.Settings, example: "{failures: 5, ejection: 10s}"),
        Flag("--dns", "dns", s_dnsName, (o, v) => o with { Discovery = (o.Discovery ?? new DnsDiscoveryOptions { Name = v.Host }) with { Name = v.Host, Port = v.Port, Srv = false } },
            help: "Backends from the A/AAAA records of NAME:PORT, re-resolved every --dns-interval."),
        Flag("--dns-srv", "dns", SettingValues.Text("NAME"), (o, v) => o with { Discovery = (o.Discovery ?? new DnsDiscoveryOptions { Name = v }) with { Name = v, Srv = true } },
            help: "Backends from the SRV records of NAME (ports and weights from the records).", excludes: "--dns"),
        OptionalSection("dns", o => o.Discovery, (o, v) => o with { Discovery = v }, () => new DnsDiscoveryOptions { Name = string.Empty }, DnsDiscoveryOptions.Settings,
            example: "{name: router.local, port: 80}", describe: dns => dns.Describe()));

    /// <summary>A named pool's settings: the shared ones and its <c>timeouts</c>.</summary>
    public static SettingSet<PoolOptions> Settings { get; } = new(
    [
        .. SharedSettings.Items,
        Section("timeouts", o => o.Timeouts, (o, v) => o with { Timeouts = v }, PoolTimeoutOptions.Settings, example: "{clientIdle: 1h, connect: 2s}"),
    ]);

    /// <summary>Why <paramref name="name"/> cannot name a pool (it is a metric label and a log word too), or null.</summary>
    public static string? CheckName(string name) => PoolName().IsMatch(name)
        ? null
        : $"'{name}' is not a pool name: letters, digits, '.', '-' and '_', from a letter or digit, at most 64";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex PoolName();
}
