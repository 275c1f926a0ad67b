using System.Net;

namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>
/// How <see cref="ListenOptionsProxyProtocolExtensions.UseProxyProtocol"/> reads PROXY headers on one Kestrel
/// endpoint. The defaults read both versions from nobody: add the balancers' networks to
/// <see cref="TrustedNetworks"/>.
/// </summary>
public sealed class ProxyProtocolOptions
{
    /// <summary>The default of <see cref="HeaderTimeout"/>: what TcpLb and HAProxy give a header (rule 21 asks for at least 3 s).</summary>
    public static readonly TimeSpan DefaultHeaderTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The sources whose headers are read (rule 20): the load balancers' addresses or subnets. A connection from
    /// anywhere else is a plain client whose bytes are all data, in either <see cref="Mode"/>; empty (the default)
    /// trusts nobody. An IPv4-mapped IPv6 peer (a dual-mode socket) matches the IPv4 network it maps.
    /// </summary>
    public IList<IPNetwork> TrustedNetworks { get; } = new List<IPNetwork>();

    /// <summary>Whether a trusted source must send a header (<see cref="ProxyProtocolMode.Required"/>, the default) or may.</summary>
    public ProxyProtocolMode Mode { get; set; } = ProxyProtocolMode.Required;

    /// <summary>Which versions are read (both by default); a header of the other version closes the connection.</summary>
    public ProxyVersions Versions { get; set; } = ProxyVersions.Both;

    /// <summary>
    /// How long a trusted source has, from the accept, to send its whole header (rule 21); then the connection
    /// is closed. Default 10 seconds.
    /// </summary>
    public TimeSpan HeaderTimeout { get; set; } = DefaultHeaderTimeout;

    /// <summary>
    /// The largest v2 length field accepted, 0..65535 (rule 21; the header is 16 bytes more): a header that
    /// announces more is refused before its bytes are buffered. Default 4096; raise it when the balancer sends
    /// client certificates (SSL_CLIENT_CERT). v1 lines are bounded at 107 bytes by the spec (rule 5).
    /// </summary>
    public int MaxHeaderLength { get; set; } = ProxyHeaderParserOptions.DefaultMaxV2Length;

    /// <summary>Verify a v2 header's CRC32C TLV when it carries one (rule 16); a mismatch closes the connection. Default on.</summary>
    public bool VerifyCrc32c { get; set; } = true;
}
