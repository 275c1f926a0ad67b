using System.IO.Pipelines;
using TcpLb.ProxyProtocol;

namespace TcpLb.Forwarding;

/// <summary>
/// Reads the PROXY header a trusted upstream balancer opens with (rules 19-21): re-parses from the start
/// after each read, consumes exactly the header, and leaves the bytes after it in the pipe.
/// </summary>
internal static class UpstreamHeaderReader
{
    /// <summary>The parse outcome; <see cref="ProxyParseStatus.Incomplete"/> means the peer closed mid-header.</summary>
    public static async Task<(ProxyParseStatus Status, ProxyHeader Header, ProxyHeaderError Error)> ReadAsync(
        PipeReader reader, ProxyHeaderParserOptions options, bool keepTlvs, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ProxyParseResult parsed = ProxyHeaderParser.Parse(read.Buffer, options);
            switch (parsed.Status)
            {
                case ProxyParseStatus.Complete:
                    // The TLVs point into the pipe's buffer: copy them before advancing, when they are kept.
                    ProxyHeader header = keepTlvs ? parsed.Header.ToOwned() : WithoutTlvs(parsed.Header);
                    reader.AdvanceTo(parsed.Consumed);
                    return (ProxyParseStatus.Complete, header, ProxyHeaderError.None);
                case ProxyParseStatus.Incomplete when !read.IsCompleted:
                    reader.AdvanceTo(parsed.Consumed, parsed.Examined);
                    continue;
                default:
                    reader.AdvanceTo(read.Buffer.Start);
                    return (parsed.Status, default, parsed.Error);
            }
        }
    }

    /// <summary>The header without its TLVs (they point into a buffer about to be reused), when they are not forwarded.</summary>
    public static ProxyHeader WithoutTlvs(ProxyHeader header) => header.DescribesTcpConnection
        ? ProxyHeader.ForTcp(header.SourceAddress, header.SourcePort, header.DestinationAddress, header.DestinationPort)
        : header.Command == ProxyCommand.Local ? ProxyHeader.Local() : ProxyHeader.Unknown();
}
