using System.Buffers;
using System.Net;
using TcpLb.ProxyProtocol.V1;
using TcpLb.ProxyProtocol.V2;

namespace TcpLb.ProxyProtocol;

/// <summary>
/// Writes PROXY headers into the caller's memory, allocating nothing when writing into a span. The
/// header is meant to leave in the same write as the first payload bytes (rule 22): write it into the
/// backend pipe's span, then the payload, then flush once.
/// </summary>
/// <remarks>
/// "Rule N" in these docs is rule N of the PROXY protocol as TcpLb's repository restates it in
/// <c>docs/proxy-protocol.md</c>: HAProxy's <c>doc/proxy-protocol.txt</c> as 25 numbered rules, each with its tests.
/// </remarks>
public static class ProxyHeaderWriter
{
    /// <summary>The longest v1 line (rule 5).</summary>
    public const int MaxV1Length = ProxyV1Constants.MaxLength;

    /// <summary>The longest v2 header (rule 12).</summary>
    public const int MaxV2Length = ProxyV2Constants.MaxHeaderLength;

    /// <summary>The exact number of bytes <see cref="Write(Span{byte}, in ProxyHeader, ProxyVersion, ReadOnlySpan{ProxyTlv}, bool)"/> will write.</summary>
    public static int GetLength(in ProxyHeader header, ProxyVersion version, ReadOnlySpan<ProxyTlv> tlvs = default, bool crc32C = false) =>
        version == ProxyVersion.V1 ? ProxyV1Writer.GetLength(header) : ProxyV2Writer.GetLength(header, tlvs, crc32C);

    /// <summary>
    /// Writes <paramref name="header"/> in <paramref name="version"/>. For v2, the header's own TLVs
    /// (forwarded from an upstream) come first, then <paramref name="tlvs"/>, then a CRC32C TLV when
    /// <paramref name="crc32C"/> is set; any CRC32C TLV among the others is dropped as stale. v1 carries
    /// no TLVs: asking for some is an error.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The destination is too small, or the TLVs cannot be written.</exception>
    public static int Write(Span<byte> destination, in ProxyHeader header, ProxyVersion version, ReadOnlySpan<ProxyTlv> tlvs = default, bool crc32C = false)
    {
        if (version == ProxyVersion.V1)
        {
            if (!tlvs.IsEmpty || crc32C)
            {
                throw new ArgumentException("PROXY v1 carries no TLVs and no CRC32C.", nameof(tlvs));
            }

            return ProxyV1Writer.Write(destination, header);
        }

        return ProxyV2Writer.Write(destination, header, tlvs, crc32C);
    }

    /// <summary>As the span overload, into an <see cref="IBufferWriter{T}"/> (a <c>PipeWriter</c>), advancing it.</summary>
    public static int Write(IBufferWriter<byte> writer, in ProxyHeader header, ProxyVersion version, ReadOnlySpan<ProxyTlv> tlvs = default, bool crc32C = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int length = version == ProxyVersion.V1 ? MaxV1Length : GetLength(header, version, tlvs, crc32C);
        int written = Write(writer.GetSpan(length), header, version, tlvs, crc32C);
        writer.Advance(written);
        return written;
    }

    /// <summary>Writes <c>PROXY TCP4|TCP6 ...\r\n</c> for a client at <paramref name="source"/> that connected to <paramref name="destination"/>.</summary>
    public static int WriteV1(Span<byte> destination, IPEndPoint source, IPEndPoint destinationEndPoint) =>
        Write(destination, ProxyHeader.ForTcp(source, destinationEndPoint), ProxyVersion.V1);

    /// <summary>Writes a v2 PROXY header for a client at <paramref name="source"/> that connected to <paramref name="destinationEndPoint"/>.</summary>
    public static int WriteV2(Span<byte> destination, IPEndPoint source, IPEndPoint destinationEndPoint, ReadOnlySpan<ProxyTlv> tlvs = default, bool crc32C = false) =>
        Write(destination, ProxyHeader.ForTcp(source, destinationEndPoint), ProxyVersion.V2, tlvs, crc32C);
}
