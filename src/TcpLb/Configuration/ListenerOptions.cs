using System.Net;

namespace TcpLb.Configuration;

/// <summary>One listener (HAProxy frontend) with its pool of backends and PROXY settings.</summary>
internal sealed record ListenerOptions
{
    /// <summary>The addresses to accept on; <c>[::]</c> is dual-stack.</summary>
    public required IReadOnlyList<IPEndPoint> Listen { get; init; }

    /// <summary>The backends (routers), tried in turn; an address or a DNS name with a port.</summary>
    public required IReadOnlyList<EndPoint> Backends { get; init; }

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
