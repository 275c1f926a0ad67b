namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>Whether a trusted source must open its connections with a PROXY header.</summary>
public enum ProxyProtocolMode
{
    /// <summary>
    /// A trusted source must send a header; a connection from it that opens with anything else is closed
    /// (rule 20: the header is never optional where it is expected from that peer).
    /// </summary>
    Required = 0,

    /// <summary>
    /// A trusted source may send a header, so one port serves clients behind the balancer and clients that
    /// reach it directly from the same network. Detection needs only the first bytes that differ from both
    /// header prefixes (rule 18): one byte for HTTP/1 and TLS, three for HTTP/2's preface. A client that waits
    /// for the server to speak first sends nothing, so it is closed after <see cref="ProxyProtocolOptions.HeaderTimeout"/>.
    /// </summary>
    Optional = 1,
}
