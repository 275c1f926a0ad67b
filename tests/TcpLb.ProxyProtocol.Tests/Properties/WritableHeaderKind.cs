namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>The three headers the writer builds: a TCP client (PROXY), LOCAL (rule 25) and UNKNOWN/UNSPEC (rules 4, 11).</summary>
public enum WritableHeaderKind
{
    Tcp,
    Local,
    Unknown,
}
