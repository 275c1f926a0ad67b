using Microsoft.Extensions.Logging;

namespace TcpLb.Diagnostics;

/// <summary>
/// The access log: one line per closed connection, on its own category so it can be routed or switched off
/// (<c>--access-log off</c> filters the category out). logfmt-style keys, so a line greps and parses alike. The <c>id</c> is
/// the one a UNIQUE_ID TLV carries to the router (<c>proxyTlvs: [unique-id]</c>), so the router's line and this one join.
/// </summary>
internal static partial class AccessLog
{
    /// <summary>The logger category of the access log.</summary>
    public const string Category = "TcpLb.Access";

    [LoggerMessage(EventId = 110, Level = LogLevel.Information,
        Message = "client={Client} listener={Listener} pool={Pool} backend={Backend} id={Id} bytes_up={BytesUp} bytes_down={BytesDown} duration_ms={DurationMs} termination={Termination} reason={Reason}")]
    public static partial void Closed(ILogger logger, string client, string listener, string pool, string backend, string id, long bytesUp, long bytesDown, long durationMs, string termination, string reason);
}
