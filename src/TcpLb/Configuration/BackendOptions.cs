using System.Net;

namespace TcpLb.Configuration;

/// <summary>One backend (HAProxy server, YARP destination) as configured.</summary>
internal sealed record BackendOptions
{
    /// <summary>The router's address: an <see cref="IPEndPoint"/>, or a <see cref="DnsEndPoint"/> resolved at connect time.</summary>
    public required EndPoint Address { get; init; }

    /// <summary>Relative share of new connections, 1..256 (HAProxy's <c>weight</c>).</summary>
    public int Weight { get; init; } = 1;

    /// <summary>Used only when no primary backend is healthy (HAProxy's <c>backup</c>).</summary>
    public bool Backup { get; init; }

    /// <summary>After recovering, the weight ramps from 1 to <see cref="Weight"/> over this time; zero disables (HAProxy's <c>slowstart</c>).</summary>
    public TimeSpan SlowStart { get; init; }

    /// <summary>Most connections at once; 0 = no limit. Past it, connections queue (HAProxy's <c>maxconn</c>).</summary>
    public int MaxConnections { get; init; }
}
