using System.Net;
using Microsoft.Extensions.Logging;

namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>The package's log lines, one event id each (stable: dashboards and alerts key on them).</summary>
internal static partial class ProxyProtocolLog
{
    /// <summary>The logger category.</summary>
    public const string Category = "TcpLb.ProxyProtocol.AspNetCore";

    [LoggerMessage(EventId = 1, EventName = "NoTrustedNetworks", Level = LogLevel.Warning,
        Message = "UseProxyProtocol on {EndPoint} trusts no network, so every connection is served as a plain client; add the load balancers to ProxyProtocolOptions.TrustedNetworks")]
    public static partial void NoTrustedNetworks(ILogger logger, EndPoint endPoint);

    [LoggerMessage(EventId = 2, EventName = "InvalidHeader", Level = LogLevel.Warning,
        Message = "Closed a connection from {Peer}: {Problem}{LeftOut}")]
    public static partial void InvalidHeader(ILogger logger, EndPoint? peer, string problem, string leftOut);

    [LoggerMessage(EventId = 3, EventName = "MissingHeader", Level = LogLevel.Warning,
        Message = "Closed a connection from {Peer}: it did not open with a PROXY header, which a trusted source must send in Required mode{LeftOut}")]
    public static partial void MissingHeader(ILogger logger, EndPoint? peer, string leftOut);

    [LoggerMessage(EventId = 4, EventName = "HeaderTimeout", Level = LogLevel.Warning,
        Message = "Closed a connection from {Peer}: no whole PROXY header within {Timeout} ({Received} bytes received){LeftOut}")]
    public static partial void HeaderTimeout(ILogger logger, EndPoint? peer, TimeSpan timeout, long received, string leftOut);

    [LoggerMessage(EventId = 5, EventName = "TruncatedHeader", Level = LogLevel.Warning,
        Message = "Closed a connection from {Peer}: it ended in the middle of a PROXY header ({Received} bytes received){LeftOut}")]
    public static partial void TruncatedHeader(ILogger logger, EndPoint? peer, long received, string leftOut);

    /// <summary>The tail of a line that follows refused ones: empty when none were refused.</summary>
    public static string LeftOut(long count) => count == 0 ? string.Empty : $" ({count} similar lines left out before this one)";
}
