namespace TcpLb.Configuration;

/// <summary>The console log format.</summary>
internal enum LogFormat
{
    /// <summary>One human-readable line per event.</summary>
    Plain,

    /// <summary>One JSON object per line, for log shippers.</summary>
    Json,
}
