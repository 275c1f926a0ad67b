using Microsoft.Extensions.Logging;

namespace TcpLb.Configuration;

/// <summary>How <c>tcplb</c> logs: level, console format, and the one-line-per-connection access log.</summary>
internal sealed record LoggingOptions
{
    /// <summary>The least severe level written.</summary>
    public LogLevel Level { get; init; } = LogLevel.Information;

    /// <summary>The console format.</summary>
    public LogFormat Format { get; init; } = LogFormat.Plain;

    /// <summary>One line per closed connection (client, listener, backend, bytes, duration, how it ended).</summary>
    public bool AccessLog { get; init; } = true;
}

/// <summary>The timestamps every log line starts with, the same in every writer of the console.</summary>
internal static class LogTimestamps
{
    /// <summary>Plain lines: local time, as people read it.</summary>
    public const string Plain = "yyyy-MM-ddTHH:mm:ss.fff";

    /// <summary>JSON lines: UTC, as log shippers expect.</summary>
    public const string Json = "yyyy-MM-ddTHH:mm:ss.fffZ";
}

/// <summary>The console log format.</summary>
internal enum LogFormat
{
    /// <summary>One human-readable line per event.</summary>
    Plain,

    /// <summary>One JSON object per line, for log shippers.</summary>
    Json,
}
