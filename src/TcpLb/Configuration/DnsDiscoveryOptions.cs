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
}
