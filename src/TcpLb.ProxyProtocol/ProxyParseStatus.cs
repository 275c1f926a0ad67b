namespace TcpLb.ProxyProtocol;

/// <summary>The outcome of one parse attempt over the bytes received so far.</summary>
public enum ProxyParseStatus
{
    /// <summary>The bytes so far are a prefix of a header: read more and parse again from the start (rule 19).</summary>
    Incomplete,

    /// <summary>A whole header was parsed; exactly its bytes were consumed, the rest is payload.</summary>
    Complete,

    /// <summary>The bytes are not a PROXY header of any version (rule 18).</summary>
    NotProxy,

    /// <summary>The bytes announce a PROXY header but break the spec; the connection must be dropped.</summary>
    Invalid,
}
