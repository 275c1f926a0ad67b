namespace TcpLb.Tlvs;

/// <summary>
/// The largest PROXY v2 header (16 + len bytes) the routers TcpLb is tested with accept, measured on loopback
/// with a header alone in one write (NOOP TLVs for padding): one byte more and the router closes the
/// connection. A config whose header could be larger than its pool's routers take is refused with the route's
/// path (<see cref="ProxyTlvComposer.MaxHeaderLength"/>).
/// </summary>
internal static class RouterHeaderLimits
{
    /// <summary>
    /// nginx 1.22, <c>stream { server { listen ... proxy_protocol; } }</c>: it peeks 107 bytes (the v1 maximum)
    /// and refuses a longer v2 header ("header is too large while reading PROXY protocol"). IPv4 leaves 79 bytes
    /// for TLVs, IPv6 55.
    /// </summary>
    public const int NginxStream = 107;

    /// <summary>nginx 1.22, <c>http</c> with <c>listen ... ssl proxy_protocol</c>: it peeks 108 bytes before the TLS handshake.</summary>
    public const int NginxHttps = 108;

    /// <summary>
    /// nginx 1.22, <c>http</c> with <c>listen ... proxy_protocol</c> and no ssl: the header must fit in the first read,
    /// <c>client_header_buffer_size</c> bytes (1k by default; 8k gave 8192).
    /// </summary>
    public const int NginxHttpDefault = 1024;

    /// <summary>HAProxy 2.6 <c>accept-proxy</c>: the header must fit in one buffer, <c>tune.bufsize</c> (16384 by default).</summary>
    public const int Haproxy = 16384;

    /// <summary>HAProxy 2.6 refuses the whole header when AUTHORITY holds more than 255 bytes (256 was refused).</summary>
    public const int HaproxyMaxAuthority = 255;

    /// <summary>HAProxy 2.6 refuses the whole header when UNIQUE_ID holds more than 128 bytes, the spec's bound.</summary>
    public const int HaproxyMaxUniqueId = 128;
}
