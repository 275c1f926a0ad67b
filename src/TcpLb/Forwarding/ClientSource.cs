namespace TcpLb.Forwarding;

/// <summary>What a connection's source must do first (rule 20).</summary>
internal enum ClientSource
{
    /// <summary>A client: its real endpoint is who it is.</summary>
    Direct,

    /// <summary>A trusted upstream balancer: its connection must open with a PROXY header.</summary>
    TrustedUpstream,

    /// <summary>Neither: the connection is closed.</summary>
    Refused,
}
