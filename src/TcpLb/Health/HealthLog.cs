using Microsoft.Extensions.Logging;

namespace TcpLb.Health;

/// <summary>Health's log lines: one per transition, ejection or reinstatement, never one per check or per report.</summary>
internal static partial class HealthLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Backend {Backend} of pool {Pool} is DOWN: {Failures} checks failed in a row, the last: {Reason}")]
    public static partial void BackendDown(ILogger logger, string backend, string pool, int failures, string reason);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Backend {Backend} of pool {Pool} is UP: {Successes} checks passed in a row, the last: {Reason}")]
    public static partial void BackendUp(ILogger logger, string backend, string pool, int successes, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Backend {Backend} of pool {Pool} ejected for {Seconds} s after {Failures} failures in a row (the last: {LastFailure}); ejection {Ejections} in a row")]
    public static partial void BackendEjected(ILogger logger, string backend, string pool, double seconds, int failures, PassiveFailure lastFailure, int ejections);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Backend {Backend} of pool {Pool} reinstated before its ejection ran out: an active check passed ({Reason})")]
    public static partial void BackendReinstated(ILogger logger, string backend, string pool, string reason);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Health probe of backend {Backend} of pool {Pool} threw; counted as a failed check")]
    public static partial void ProbeFaulted(ILogger logger, string backend, string pool, Exception exception);

    [LoggerMessage(EventId = 305, Level = LogLevel.Error, Message = "A health state listener of pool {Pool} threw on backend {Backend}; checks go on")]
    public static partial void ListenerFaulted(ILogger logger, string pool, string backend, Exception exception);

    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "Active health checks of pool {Pool}: every {IntervalSeconds} s ± {JitterPercent} %, down after {Fall} failures, up after {Rise} passes")]
    public static partial void CheckerStarted(ILogger logger, string pool, double intervalSeconds, double jitterPercent, int fall, int rise);
}
