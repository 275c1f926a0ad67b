namespace TcpLb.ProxyProtocol;

/// <summary>The registered v2 TLV types (rule 15) and the cloud vendors' custom ones (rule 17).</summary>
#pragma warning disable CA1028 // the wire field is one byte
public enum ProxyTlvType : byte
#pragma warning restore CA1028
{
    /// <summary>Application-Layer Protocol Negotiation, opaque bytes such as <c>h2</c>.</summary>
    Alpn = 0x01,

    /// <summary>The host name the client asked for (TLS SNI, or HTTP Host), UTF-8.</summary>
    Authority = 0x02,

    /// <summary>CRC32C of the whole header with this value zeroed (rule 15, 16).</summary>
    Crc32C = 0x03,

    /// <summary>Padding, ignored.</summary>
    Noop = 0x04,

    /// <summary>An opaque connection id of at most 128 bytes.</summary>
    UniqueId = 0x05,

    /// <summary>TLS information: client flags, verify result, then sub-TLVs (0x21..0x28).</summary>
    Ssl = 0x20,

    /// <summary>SSL sub-TLV: the TLS version, US-ASCII (e.g. <c>TLSv1.3</c>).</summary>
    SslVersion = 0x21,

    /// <summary>SSL sub-TLV: the client certificate's Common Name, UTF-8.</summary>
    SslCommonName = 0x22,

    /// <summary>SSL sub-TLV: the cipher name, US-ASCII.</summary>
    SslCipher = 0x23,

    /// <summary>SSL sub-TLV: the certificate signature algorithm, US-ASCII.</summary>
    SslSignatureAlgorithm = 0x24,

    /// <summary>SSL sub-TLV: the certificate key algorithm, US-ASCII.</summary>
    SslKeyAlgorithm = 0x25,

    /// <summary>SSL sub-TLV (2025+): the key-exchange group, US-ASCII.</summary>
    SslGroup = 0x26,

    /// <summary>SSL sub-TLV (2025+): the signature scheme, US-ASCII.</summary>
    SslSignatureScheme = 0x27,

    /// <summary>SSL sub-TLV (2025+): the client certificate, DER.</summary>
    SslClientCertificate = 0x28,

    /// <summary>The network namespace name, US-ASCII.</summary>
    NetworkNamespace = 0x30,

    /// <summary>GCP Private Service Connect: the PSC connection id, uint64 big-endian.</summary>
    GcpPrivateServiceConnect = 0xE0,

    /// <summary>AWS (NLB, VPC endpoint service): a sub-type byte, 0x01 = VPC endpoint id (ASCII).</summary>
    Aws = 0xEA,

    /// <summary>Azure Private Link: a sub-type byte, 0x01 = LinkID (uint32 little-endian).</summary>
    Azure = 0xEE,
}
