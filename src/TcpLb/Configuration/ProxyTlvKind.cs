namespace TcpLb.Configuration;

/// <summary>What one item of <c>proxyTlvs</c> adds to the PROXY v2 header sent.</summary>
internal enum ProxyTlvKind
{
    /// <summary><c>authority</c>: the TLS SNI, else the HTTP host (PP2_TYPE_AUTHORITY).</summary>
    Authority,

    /// <summary><c>alpn</c>: the first protocol the ClientHello offers (PP2_TYPE_ALPN).</summary>
    Alpn,

    /// <summary><c>unique-id</c>: the connection's id, also the access log's <c>id</c> (PP2_TYPE_UNIQUE_ID).</summary>
    UniqueId,

    /// <summary><c>crc32c</c>: a checksum of the whole header (PP2_TYPE_CRC32C), as <c>sendProxyCrc32c</c>.</summary>
    Crc32C,

    /// <summary><c>{type: 0xE1, value: "..."}</c>: a fixed value of the custom range.</summary>
    Custom,
}
