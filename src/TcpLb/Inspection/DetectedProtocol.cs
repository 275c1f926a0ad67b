namespace TcpLb.Inspection;

/// <summary>What the first few bytes of a connection are, as far as routing cares.</summary>
internal enum DetectedProtocol
{
    /// <summary>Too few bytes to tell.</summary>
    NeedMore,

    /// <summary>A TLS handshake record (<c>16 03</c>), or an SSLv2-compatible ClientHello.</summary>
    Tls,

    /// <summary>An HTTP request line: a method token then a space (after any empty lines).</summary>
    Http,

    /// <summary>Neither: the connection is forwarded without inspection.</summary>
    Neither,
}
