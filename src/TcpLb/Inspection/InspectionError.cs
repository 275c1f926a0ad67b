namespace TcpLb.Inspection;

/// <summary>
/// Why inspection gave up on the first bytes (<see cref="InspectionStatus.Invalid"/>, sometimes
/// <see cref="InspectionStatus.NotThisProtocol"/>). Stable names: logs and metrics use them.
/// </summary>
internal enum InspectionError
{
    /// <summary>No error.</summary>
    None,

    /// <summary>The hello or head is not complete within the cap (<c>inspect-bytes</c>).</summary>
    LargerThanCap,

    /// <summary>A record before the end of the ClientHello is not a handshake record (RFC 8446 5.1: no interleaving).</summary>
    TlsNotHandshakeRecord,

    /// <summary>A record's version is not 3.0-3.3 (SSL 3.0, TLS 1.0-1.2; TLS 1.3 writes 3.1 or 3.3 there).</summary>
    TlsBadRecordVersion,

    /// <summary>A handshake record holds no bytes (RFC 8446 5.1) or more than 2^14 (RFC 8446 5.1, RFC 5246 6.2.1).</summary>
    TlsBadRecordLength,

    /// <summary>The first handshake message is not a ClientHello.</summary>
    TlsNotClientHello,

    /// <summary>A ClientHello field runs past its length or the message's, or a length breaks its vector's bounds.</summary>
    TlsMalformedHello,

    /// <summary>The ClientHello carries one of the extensions read here (SNI, ALPN, ECH, supported_versions) twice (RFC 8446 4.2).</summary>
    TlsDuplicateExtension,

    /// <summary>The server_name extension is malformed, or its host name is empty, too long, not LDH text, or given twice (RFC 6066 3).</summary>
    TlsBadServerName,

    /// <summary>The ALPN extension is malformed or holds an empty protocol name (RFC 7301 3.1).</summary>
    TlsBadAlpn,

    /// <summary>An SSLv2-compatible ClientHello whose lengths do not add up (RFC 5246 E.2).</summary>
    SslV2MalformedHello,

    /// <summary>The request line is not <c>method SP request-target SP HTTP-version</c> (RFC 9112 3).</summary>
    HttpBadRequestLine,

    /// <summary>The request-target is empty or holds a control byte (RFC 9112 3.2).</summary>
    HttpBadTarget,

    /// <summary>The version is not <c>HTTP/DIGIT.DIGIT</c>, or its major version is not 1 (RFC 9112 2.3).</summary>
    HttpBadVersion,

    /// <summary>HTTP/2 with prior knowledge (the <c>PRI * HTTP/2.0</c> preface): its Host is in HPACK, not readable here.</summary>
    HttpVersion2Preface,

    /// <summary>A CR not followed by LF (RFC 9112 2.2).</summary>
    HttpBareCarriageReturn,

    /// <summary>A field line that starts with whitespace: obs-fold, or whitespace before the first field (RFC 9112 2.2, 5.2).</summary>
    HttpObsFold,

    /// <summary>A field name that is empty, not a token, or followed by whitespace before the colon (RFC 9112 5.1).</summary>
    HttpBadFieldName,

    /// <summary>A field value with a control byte other than HTAB (RFC 9110 5.5).</summary>
    HttpBadFieldValue,

    /// <summary>More than one Host field (RFC 9112 3.2).</summary>
    HttpDuplicateHost,

    /// <summary>A Host (or request-target authority) that is not <c>uri-host [":" port]</c> (RFC 9112 3.2, RFC 3986 3.2).</summary>
    HttpBadHost,
}
