using System.Net;
using Microsoft.Extensions.Logging;

namespace TcpLb.Forwarding;

/// <summary>The forwarding path's log lines: one per event that matters, never one per read (the close line is <see cref="Diagnostics.AccessLog"/>).</summary>
internal static partial class ForwardingLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Connect to backend {Backend} for client {Client} failed: {Reason}; trying the next backend")]
    public static partial void ConnectFailed(ILogger logger, IPEndPoint client, EndPoint backend, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "No backend for client {Client} ({Reason}); closing the client connection")]
    public static partial void NoBackend(ILogger logger, IPEndPoint client, CloseReason reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Invalid PROXY header from {Peer}: {Reason}; connection closed")]
    public static partial void InvalidProxyHeader(ILogger logger, IPEndPoint peer, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "No complete PROXY header from {Peer} within {Seconds} s; connection closed")]
    public static partial void ProxyHeaderTimeout(ILogger logger, IPEndPoint peer, double seconds);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Connection from {Peer} refused: not in --accept-proxy-from and --allow-direct is not set")]
    public static partial void UntrustedSource(ILogger logger, IPEndPoint peer);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "Unexpected error on the connection from {Client}")]
    public static partial void Unexpected(ILogger logger, IPEndPoint client, Exception exception);
}
