using Microsoft.Extensions.Logging;

namespace TcpLb.Diagnostics;

/// <summary>
/// The access log: one line per closed connection, on its own category so it can be routed or switched off
/// (<c>--access-log off</c> filters the category out). logfmt-style keys, so a line greps and parses alike. The <c>id</c> is
/// the one a UNIQUE_ID TLV carries to the router (<c>proxyTlvs: [unique-id]</c>), so the router's line and this one join.
/// </summary>
internal static class AccessLog
{
    /// <summary>The logger category of the access log.</summary>
    public const string Category = "TcpLb.Access";

    private static readonly EventId s_closed = new(110, nameof(Closed));

    /// <summary>Logs <paramref name="line"/> at Information (the caller checked that the level is enabled).</summary>
    public static void Closed(ILogger logger, in AccessLine line) =>
        logger.Log(LogLevel.Information, s_closed, line, null, static (line, _) => line.ToString());
}
