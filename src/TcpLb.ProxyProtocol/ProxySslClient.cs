namespace TcpLb.ProxyProtocol;

/// <summary>The client byte of the SSL TLV.</summary>
[Flags]
#pragma warning disable CA1028 // the wire field is one byte
public enum ProxySslClient : byte
#pragma warning restore CA1028
{
    /// <summary>No flag set: the client did not use TLS.</summary>
    None = 0,

    /// <summary>The client connected over TLS.</summary>
    Ssl = 0x01,

    /// <summary>The client presented a certificate on this connection.</summary>
    CertificateOnConnection = 0x02,

    /// <summary>The client presented a certificate at least once in this TLS session.</summary>
    CertificateOnSession = 0x04,
}
