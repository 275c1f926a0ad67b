namespace TcpLb.Inspection;

/// <summary>
/// What a ClientHello reveals before TLS is terminated: the name the client asks for, the protocols it
/// offers, the version it would speak. Views of the bytes received; nothing is copied.
/// </summary>
internal readonly struct ClientHello
{
    internal ClientHello(InspectedBytes serverName, AlpnProtocolList alpn, ushort version, bool sslV2Compatible, bool offersEncryptedClientHello)
    {
        ServerName = serverName;
        Alpn = alpn;
        Version = version;
        IsSslV2Compatible = sslV2Compatible;
        OffersEncryptedClientHello = offersEncryptedClientHello;
    }

    /// <summary>
    /// The server_name's host_name (RFC 6066 3), as sent but for one trailing dot removed; empty when the
    /// hello has none. With ECH this is the outer hello's public name: the real one is encrypted.
    /// </summary>
    public InspectedBytes ServerName { get; }

    /// <summary>The ALPN protocols offered, GREASE names skipped; empty without the extension.</summary>
    public AlpnProtocolList Alpn { get; }

    /// <summary>
    /// The highest version offered: from supported_versions when present (0x0304 = TLS 1.3), else the
    /// hello's legacy_version (0x0303 = TLS 1.2, 0x0301 = TLS 1.0); 0x0002 for an SSL 2.0 hello.
    /// </summary>
    public ushort Version { get; }

    /// <summary>True for an SSLv2-compatible hello (RFC 5246 E.2): TLS, but no extensions, so no SNI and no ALPN.</summary>
    public bool IsSslV2Compatible { get; }

    /// <summary>True when the hello carries the encrypted_client_hello extension (its SNI is then the public name).</summary>
    public bool OffersEncryptedClientHello { get; }
}
