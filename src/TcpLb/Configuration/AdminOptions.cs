using System.Net;

namespace TcpLb.Configuration;

/// <summary>The admin HTTP endpoint: <c>/metrics</c> (Prometheus), <c>/healthz</c>, <c>/ready</c>, <c>/status</c>.</summary>
internal sealed record AdminOptions
{
    /// <summary>Where it listens; loopback by default, since it is not meant for clients.</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 9100);

    /// <summary>Off: no admin endpoint at all.</summary>
    public bool Enabled { get; init; } = true;
}
