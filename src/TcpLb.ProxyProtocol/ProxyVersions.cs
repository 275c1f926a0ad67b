namespace TcpLb.ProxyProtocol;

/// <summary>Which header versions a receiver accepts.</summary>
[Flags]
public enum ProxyVersions
{
    /// <summary>Text headers only.</summary>
    V1 = 1,

    /// <summary>Binary headers only.</summary>
    V2 = 2,

    /// <summary>Either version: what HAProxy's <c>accept-proxy</c> and nginx's <c>proxy_protocol</c> do.</summary>
    Both = V1 | V2,
}
