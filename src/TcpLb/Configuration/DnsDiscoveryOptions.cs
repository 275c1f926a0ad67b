using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.DnsDiscoveryOptions>;

namespace TcpLb.Configuration;

/// <summary>
/// Backends from DNS: a name with many A/AAAA records (a Kubernetes headless Service), or SRV records
/// (Consul), re-resolved every interval. Added addresses join, removed ones drain.
/// </summary>
internal sealed record DnsDiscoveryOptions
{
    /// <summary>The name to resolve, e.g. <c>deis-router.deis.svc.cluster.local</c> or <c>_http._tcp.router.service.consul</c>.</summary>
    public required string Name { get; init; }

    /// <summary>A/AAAA: the port every address gets. Ignored for SRV, whose records carry ports.</summary>
    public int Port { get; init; }

    /// <summary>Resolve SRV records instead of A/AAAA.</summary>
    public bool Srv { get; init; }

    /// <summary>How often to resolve again.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The settings each discovered backend gets (weight, slow start, limit); its address is replaced.</summary>
    public BackendOptions? Template { get; init; }

    /// <summary>The settings under <c>dns</c>; <c>--dns</c> and <c>--dns-srv</c> (<see cref="ListenerOptions.Settings"/>) turn it on from the command line.</summary>
    public static SettingSet<DnsDiscoveryOptions> Settings { get; } = new(
        Value("name", SettingValues.Text("NAME"), o => o.Name, (o, v) => o with { Name = v },
            help: "The DNS name whose records are the backends.", missing: "missing; give the DNS name whose records are the backends"),
        Value("port", SettingValues.Integer, o => o.Port, (o, v) => o with { Port = v },
            help: "A/AAAA: the port every address gets (SRV records carry their own)."),
        Value("srv", SettingValues.Bool, o => o.Srv, (o, v) => o with { Srv = v },
            help: "Resolve SRV records instead of A/AAAA."),
        Value("interval", SettingValues.Duration, o => o.Interval, (o, v) => o with { Interval = v },
            flag: "--dns-interval", help: "How often DNS is resolved again."),
        OptionalSection("backend", o => o.Template, (o, v) => o with { Template = v }, BackendOptions.WithoutAddress, BackendOptions.SharedSettings,
            example: "{weight: 2, maxConnections: 100}", describe: BackendOptions.DescribeSettings, hasFlags: false));

    /// <summary>The discovery in a few words, for the reload line: <c>router.local:80</c>, <c>SRV _http._tcp.router.consul</c>.</summary>
    public string Describe() => Srv ? $"SRV {Name}" : $"{Name}:{Port}";
}
