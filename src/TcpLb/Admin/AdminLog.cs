using Microsoft.Extensions.Logging;

namespace TcpLb.Admin;

/// <summary>The admin endpoint's log lines.</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Admin endpoint listening on {Url} (/metrics, /healthz, /ready, /status; {Access})")]
    public static partial void Listening(ILogger logger, string url, string access);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Admin endpoint not started: {Reason}; running without /metrics and /status")]
    public static partial void NotStarted(ILogger logger, string reason);
}
