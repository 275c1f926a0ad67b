using Microsoft.Extensions.Logging;

namespace TcpLb.Discovery;

/// <summary>DNS discovery's log lines: one per round that changes membership or fails, nothing per unchanged round.</summary>
internal static partial class DiscoveryLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Pool {Pool}: DNS {Name} changed the members: added [{Added}], removed [{Removed}]; {Count} discovered backends")]
    public static partial void MembershipChanged(ILogger logger, string pool, string name, string added, string removed, int count);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Pool {Pool}: resolving DNS {Name} failed: {Reason}; keeping the last {Count} discovered backends")]
    public static partial void ResolutionFailed(ILogger logger, string pool, string name, string reason, int count);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Pool {Pool}: DNS {Name} answered with no backends; keeping the last {Count} discovered backends")]
    public static partial void EmptyAnswer(ILogger logger, string pool, string name, int count);
}
