using System.Net;

namespace TcpLb.Configuration;

/// <summary>One listener (HAProxy frontend) with its pool of backends and PROXY settings.</summary>
internal sealed record ListenerOptions
{
    /// <summary>The addresses to accept on; <c>[::]</c> is dual-stack.</summary>
    public required IReadOnlyList<IPEndPoint> Listen { get; init; }

    /// <summary>The backends (routers) given directly; DNS discovery may add more.</summary>
    public required IReadOnlyList<BackendOptions> Backends { get; init; }

    /// <summary>The balancing policy by name (<c>least-connections</c>, <c>round-robin</c>, <c>power-of-two</c>, <c>random</c>, <c>source-hash</c>).</summary>
    public string Balance { get; init; } = "least-connections";

    /// <summary>Active health checks.</summary>
    public HealthCheckOptions HealthCheck { get; init; } = new();

    /// <summary>Passive health checks (outlier ejection).</summary>
    public PassiveHealthOptions PassiveHealth { get; init; } = new();

    /// <summary>Backends from DNS, in addition to <see cref="Backends"/>.</summary>
    public DnsDiscoveryOptions? Discovery { get; init; }

    /// <summary>Other backends tried after a failed connect (nothing was sent yet, client-first), at most.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>Most connections this listener holds at once; past it, new ones are closed at accept. 0 = no limit.</summary>
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
}
