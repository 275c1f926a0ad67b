namespace TcpLb.Configuration;

/// <summary>Which PROXY header, if any, TcpLb puts in front of the bytes it sends a backend.</summary>
internal enum ProxySendMode
{
    /// <summary>No header: pure pass-through (HAProxy's default).</summary>
    Off,

    /// <summary>The text header, read by every router including nginx 1.13 (the classic Deis router).</summary>
    V1,

    /// <summary>The binary header, read by nginx 1.13.11+, HAProxy, Envoy; can carry TLVs.</summary>
    V2,
}
