namespace TcpLb.ProxyProtocol;

/// <summary>The transport of a header (v2 low nibble of byte 13; v1 is always a stream).</summary>
public enum ProxyTransport
{
    /// <summary>Unspecified (only with LOCAL or the UNSPEC family).</summary>
    Unspecified = 0,

    /// <summary>A stream: TCP, or a UNIX stream socket.</summary>
    Stream = 1,

    /// <summary>Datagrams: UDP, or a UNIX datagram socket.</summary>
    Datagram = 2,
}
