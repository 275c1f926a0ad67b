namespace TcpLb.Diagnostics;

/// <summary>The timestamps every log line starts with, the same in every writer of the console.</summary>
internal static class LogTimestamps
{
    /// <summary>Plain lines: local time, as people read it.</summary>
    public const string Plain = "yyyy-MM-ddTHH:mm:ss.fff";

    /// <summary>JSON lines: UTC, as log shippers expect.</summary>
    public const string Json = "yyyy-MM-ddTHH:mm:ss.fffZ";
}
