using System.Net;
using Microsoft.Extensions.Logging;

namespace TcpLb.Demo;

/// <summary>The demo router's log lines.</summary>
internal static partial class DemoLog
{
    public const string Category = "TcpLb.Demo.DemoRouter";

    // A browser tab closed or websocat killed: normal for a demo, so one debug line, not an error with a stack trace.
    [LoggerMessage(EventId = 700, Level = LogLevel.Debug, Message = "WebSocket client {Client} left without a close frame")]
    public static partial void WebSocketClientLeft(ILogger logger, IPAddress? client);
}
