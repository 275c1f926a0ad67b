namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>Why a trusted source's connection was closed before the application saw it; each is a metric tag and a log event.</summary>
internal enum ProxyHeaderRejection
{
    /// <summary>The bytes announce a header but break the spec (the codec's error says which rule).</summary>
    Invalid,

    /// <summary><see cref="ProxyProtocolMode.Required"/>: the connection opened with something other than a header (rule 18, 20).</summary>
    Missing,

    /// <summary>The whole header did not arrive within <see cref="ProxyProtocolOptions.HeaderTimeout"/> (rule 21).</summary>
    Timeout,

    /// <summary>The source closed the connection in the middle of a header (rule 19: a prefix is never payload).</summary>
    Truncated,
}
