namespace TcpLb.ProxyProtocol;

/// <summary>The PROXY protocol version of a header: v1 is a text line, v2 a binary block.</summary>
public enum ProxyVersion
{
    /// <summary>Version 1: <c>PROXY TCP4 src dst sport dport\r\n</c>.</summary>
    V1 = 1,

    /// <summary>Version 2: a 16-byte binary prefix, an address block and TLVs.</summary>
    V2 = 2,
}
