namespace TcpLb.ProxyProtocol;

/// <summary>What a header says about the connection carrying it.</summary>
public enum ProxyCommand
{
    /// <summary>
    /// The proxy made this connection itself (a health check): the receiver uses the real endpoints
    /// (rule 10). v1 has no LOCAL; its nearest form is <c>PROXY UNKNOWN</c>.
    /// </summary>
    Local = 0,

    /// <summary>The connection is relayed on behalf of the client the header describes.</summary>
    Proxy = 1,
}
