namespace TcpLb.ProxyProtocol;

/// <summary>The address family of a header (v2 family nibble; v1 TCP4/TCP6/UNKNOWN).</summary>
public enum ProxyAddressFamily
{
    /// <summary>No address: v1 <c>UNKNOWN</c>, v2 <c>AF_UNSPEC</c>.</summary>
    Unspecified = 0,

    /// <summary>IPv4: v1 <c>TCP4</c>, v2 <c>AF_INET</c>.</summary>
    InterNetwork = 1,

    /// <summary>IPv6: v1 <c>TCP6</c>, v2 <c>AF_INET6</c>.</summary>
    InterNetworkV6 = 2,

    /// <summary>v2 <c>AF_UNIX</c>: 108-byte paths, which a TCP receiver treats as UNSPEC (rule 8).</summary>
    Unix = 3,
}
