using System.Net;

namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>
/// The PROXY header a trusted source opened the connection with: <c>context.Features.Get&lt;IProxyProtocolFeature&gt;()</c>
/// on the connection or on any of its requests, null when no header was read (an untrusted source, or a plain
/// client in <see cref="ProxyProtocolMode.Optional"/>). It owns a copy of the header's bytes, so it stays valid
/// for the connection's whole life. The TLV accessors decode on first use and return null (or empty) when the
/// header does not carry that TLV or its value is malformed.
/// </summary>
public interface IProxyProtocolFeature
{
    /// <summary>The header as the codec parsed it (an owned copy): addresses, TLVs, wire length.</summary>
    ProxyHeader Header { get; }

    /// <summary>The header's version.</summary>
    ProxyVersion Version { get; }

    /// <summary>PROXY (a relayed client) or LOCAL (the balancer's own connection, such as a health check).</summary>
    ProxyCommand Command { get; }

    /// <summary>
    /// The client the header reported, now the connection's <c>RemoteEndPoint</c>; null when the header describes
    /// no TCP client (LOCAL, v1 UNKNOWN, v2 UNSPEC, UNIX or DGRAM: rules 4, 8, 10, 11), which keeps the real endpoints.
    /// </summary>
    IPEndPoint? SourceEndPoint { get; }

    /// <summary>The address the client connected to, now the connection's <c>LocalEndPoint</c>; null as <see cref="SourceEndPoint"/>.</summary>
    IPEndPoint? DestinationEndPoint { get; }

    /// <summary>The connection's own remote endpoint: the balancer that sent the header.</summary>
    EndPoint? ProxyEndPoint { get; }

    /// <summary>AUTHORITY (0x02): the host name the client asked for, such as the TLS SNI.</summary>
    string? Authority { get; }

    /// <summary>ALPN (0x01): the protocol the client negotiated with the balancer (e.g. <c>h2</c>); empty when absent.</summary>
    ReadOnlyMemory<byte> Alpn { get; }

    /// <summary>UNIQUE_ID (0x05): the balancer's id of the connection, at most 128 bytes; empty when absent.</summary>
    ReadOnlyMemory<byte> UniqueId { get; }

    /// <summary>SSL (0x20): how the client reached the balancer (TLS or not, certificate, verify result) and the sub-TLVs.</summary>
    ProxySslInfo? Ssl { get; }

    /// <summary>SSL_VERSION (0x21) of the SSL TLV, e.g. <c>TLSv1.3</c>.</summary>
    string? SslVersion { get; }

    /// <summary>SSL_CN (0x22) of the SSL TLV: the client certificate's Common Name.</summary>
    string? SslCommonName { get; }

    /// <summary>SSL_CIPHER (0x23) of the SSL TLV.</summary>
    string? SslCipher { get; }

    /// <summary>AWS (0xEA, sub-type 0x01): the VPC endpoint id of a PrivateLink connection.</summary>
    string? AwsVpcEndpointId { get; }

    /// <summary>Azure Private Link (0xEE, sub-type 0x01): the LinkID.</summary>
    uint? AzureLinkId { get; }

    /// <summary>GCP Private Service Connect (0xE0): the PSC connection id.</summary>
    ulong? GcpPscConnectionId { get; }

    /// <summary>The first TLV of any type, for types without an accessor here (rule 14: unknown types are kept).</summary>
    bool TryGetTlv(ProxyTlvType type, out ProxyTlv tlv);

    /// <summary>The text of an SSL sub-TLV of any type (<see cref="ProxyTlvType.SslSignatureAlgorithm"/>, <see cref="ProxyTlvType.SslKeyAlgorithm"/>...).</summary>
    string? GetSslText(ProxyTlvType subType);
}
