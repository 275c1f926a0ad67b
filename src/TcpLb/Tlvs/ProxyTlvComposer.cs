using System.Buffers;
using System.Buffers.Binary;
using TcpLb.Inspection;
using TcpLb.ProxyProtocol;

namespace TcpLb.Tlvs;

/// <summary>
/// Writes the TLVs a <see cref="ProxyTlvChoice"/> asks for, from what inspection found, and the whole v2 header
/// around them through the codec's <see cref="ProxyHeaderWriter"/>. Allocates nothing: values are copied from
/// the first bytes (still in the pipe) and from the configuration straight into the caller's buffer.
/// </summary>
/// <remarks>
/// Order on the wire: the upstream's TLVs (rule 24), then AUTHORITY, ALPN, UNIQUE_ID, the custom ones, and the
/// CRC32C last (the codec computes it over everything before). A forwarded TLV whose type is written here too
/// is dropped: a receiver seeing two (HAProxy keeps the last AUTHORITY) would otherwise pick one by accident.
/// </remarks>
internal static class ProxyTlvComposer
{
    /// <summary>Type (1) and length (2).</summary>
    public const int TlvHeaderLength = 3;

    /// <summary>The fixed 16 bytes and the largest TCP address block (INET6, 36): the most a header holds before its TLVs.</summary>
    public const int MaxAddressPartLength = 16 + 36;

    /// <summary>A CRC32C TLV: its header and 4 bytes.</summary>
    public const int Crc32CTlvLength = TlvHeaderLength + 4;

    /// <summary>The longest AUTHORITY written: HAProxy refuses the header past 255 bytes, and no DNS name is longer.</summary>
    public const int MaxAuthorityLength = RouterHeaderLimits.HaproxyMaxAuthority;

    /// <summary>
    /// The most TLV bytes <see cref="Write"/> produces for <paramref name="choice"/>, given that a forwarded upstream
    /// header carries at most <paramref name="forwardedTlvBound"/> TLV bytes (its accepted length cap, less the
    /// smallest address block).
    /// </summary>
    public static int MaxTlvLength(ProxyTlvChoice choice, int forwardedTlvBound)
    {
        ArgumentNullException.ThrowIfNull(choice);
        int length = choice.ForwardUpstream ? forwardedTlvBound : 0;
        length += choice.Authority ? TlvHeaderLength + MaxAuthorityLength : 0;
        length += choice.Alpn ? TlvHeaderLength + AlpnProtocolList.MaxNameLength : 0;
        length += choice.UniqueId ? TlvHeaderLength + ConnectionId.TextLength : 0;
        foreach (CustomTlv custom in choice.Custom)
        {
            length += TlvHeaderLength + custom.Value.Length;
        }

        return length;
    }

    /// <summary>The longest v2 header this choice can produce: the IPv6 address part, every TLV at its longest, the CRC32C.</summary>
    public static int MaxHeaderLength(ProxyTlvChoice choice, int forwardedTlvBound) =>
        MaxAddressPartLength + MaxTlvLength(choice, forwardedTlvBound) + (choice.Crc32C ? Crc32CTlvLength : 0);

    /// <summary>A buffer this long always holds <see cref="WriteHeader"/>'s header and its scratch.</summary>
    public static int HeaderBufferLength(ProxyTlvChoice choice, int forwardedTlvBound) =>
        MaxHeaderLength(choice, forwardedTlvBound) + MaxTlvLength(choice, forwardedTlvBound);

    /// <summary>
    /// Writes the chosen TLVs into <paramref name="destination"/>: <paramref name="client"/>'s own TLVs when
    /// forwarding, then AUTHORITY and ALPN from <paramref name="firstBytes"/> (when it found them), UNIQUE_ID from
    /// <paramref name="id"/>, the custom ones. No CRC32C: the codec adds it to the whole header.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The destination is shorter than <see cref="GetTlvLength"/>.</exception>
    public static int Write(Span<byte> destination, ProxyTlvChoice choice, in ProxyHeader client, in InspectionResult firstBytes, ConnectionId id)
    {
        var values = new Values(choice, firstBytes, id);
        int length = GetTlvLength(values, choice, client);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the TLVs need {length}.", nameof(destination));
        }

        return WriteTlvs(destination, values, choice, client, id);
    }

    /// <summary>The exact number of bytes <see cref="Write"/> will write.</summary>
    public static int GetTlvLength(ProxyTlvChoice choice, in ProxyHeader client, in InspectionResult firstBytes, ConnectionId id) =>
        GetTlvLength(new Values(choice, firstBytes, id), choice, client);

    /// <summary>
    /// Writes the whole v2 header describing <paramref name="client"/> (the upstream's header, or the direct
    /// client's) with the chosen TLVs, from the start of <paramref name="buffer"/>, which must hold
    /// <see cref="HeaderBufferLength"/> bytes: the TLVs are composed in its tail, then the codec writes the header
    /// in front, with the CRC32C when chosen.
    /// </summary>
    /// <returns>The header's length.</returns>
    public static int WriteHeader(byte[] buffer, ProxyTlvChoice choice, in ProxyHeader client, in InspectionResult firstBytes, ConnectionId id)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var values = new Values(choice, firstBytes, id);
        int tlvLength = GetTlvLength(values, choice, client);
        int scratch = buffer.Length - tlvLength;
        if (scratch < 0)
        {
            throw new ArgumentException($"The buffer holds {buffer.Length} bytes; the TLVs alone need {tlvLength} (HeaderBufferLength).", nameof(buffer));
        }

        WriteTlvs(buffer.AsSpan(scratch), values, choice, client, id);
        var tlvs = new ReadOnlySequence<byte>(buffer, scratch, tlvLength);
        ProxyHeader header = client.DescribesTcpConnection
            ? ProxyHeader.ForTcp(client.SourceAddress, client.SourcePort, client.DestinationAddress, client.DestinationPort, tlvs)
            : ProxyHeader.Unknown(tlvs);
        if (ProxyHeaderWriter.GetLength(header, ProxyVersion.V2, crc32C: choice.Crc32C) > scratch)
        {
            throw new ArgumentException($"The buffer holds {buffer.Length} bytes; the header and its scratch need more (HeaderBufferLength).", nameof(buffer));
        }

        return ProxyHeaderWriter.Write(buffer.AsSpan(0, scratch), header, ProxyVersion.V2, crc32C: choice.Crc32C);
    }

    private static int WriteTlvs(Span<byte> destination, in Values values, ProxyTlvChoice choice, in ProxyHeader client, ConnectionId id)
    {
        int n = 0;
        if (choice.ForwardUpstream)
        {
            foreach (ProxyTlv tlv in client.EnumerateTlvs())
            {
                if (Forwards(values, choice, tlv.Type))
                {
                    n += WriteTlvHeader(destination[n..], (byte)tlv.Type, (int)tlv.Value.Length);
                    tlv.Value.CopyTo(destination[n..]);
                    n += (int)tlv.Value.Length;
                }
            }
        }

        if (!values.Authority.IsEmpty)
        {
            n += WriteTlvHeader(destination[n..], (byte)ProxyTlvType.Authority, values.Authority.Length);
            values.Authority.TryCopyTo(destination[n..]);
            n += values.Authority.Length;
        }

        if (!values.Alpn.IsEmpty)
        {
            n += WriteTlvHeader(destination[n..], (byte)ProxyTlvType.Alpn, values.Alpn.Length);
            values.Alpn.TryCopyTo(destination[n..]);
            n += values.Alpn.Length;
        }

        if (values.UniqueId)
        {
            n += WriteTlvHeader(destination[n..], (byte)ProxyTlvType.UniqueId, ConnectionId.TextLength);
            id.TryFormat(destination[n..], out int written);
            n += written;
        }

        for (int i = 0; i < choice.Custom.Count; i++) // by index: foreach over the interface would box an enumerator
        {
            CustomTlv custom = choice.Custom[i];
            n += WriteTlvHeader(destination[n..], custom.Type, custom.Value.Length);
            custom.Value.Span.CopyTo(destination[n..]);
            n += custom.Value.Length;
        }

        return n;
    }

    private static int GetTlvLength(in Values values, ProxyTlvChoice choice, in ProxyHeader client)
    {
        int length = 0;
        if (choice.ForwardUpstream)
        {
            foreach (ProxyTlv tlv in client.EnumerateTlvs())
            {
                length += Forwards(values, choice, tlv.Type) ? TlvHeaderLength + (int)tlv.Value.Length : 0;
            }
        }

        length += values.Authority.IsEmpty ? 0 : TlvHeaderLength + values.Authority.Length;
        length += values.Alpn.IsEmpty ? 0 : TlvHeaderLength + values.Alpn.Length;
        length += values.UniqueId ? TlvHeaderLength + ConnectionId.TextLength : 0;
        for (int i = 0; i < choice.Custom.Count; i++)
        {
            length += TlvHeaderLength + choice.Custom[i].Value.Length;
        }

        return length;
    }

    // An upstream TLV goes on unless it is a stale checksum or a type this header writes itself.
    private static bool Forwards(in Values values, ProxyTlvChoice choice, ProxyTlvType type)
    {
        if (type == ProxyTlvType.Crc32C
            || (type == ProxyTlvType.Authority && !values.Authority.IsEmpty)
            || (type == ProxyTlvType.Alpn && !values.Alpn.IsEmpty)
            || (type == ProxyTlvType.UniqueId && values.UniqueId))
        {
            return false;
        }

        for (int i = 0; i < choice.Custom.Count; i++)
        {
            if (choice.Custom[i].Type == (byte)type)
            {
                return false;
            }
        }

        return true;
    }

    private static int WriteTlvHeader(Span<byte> destination, byte type, int length)
    {
        destination[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)length);
        return TlvHeaderLength;
    }

    /// <summary>What this connection has to say for each chosen TLV: empty when it has nothing.</summary>
    private readonly ref struct Values
    {
        public Values(ProxyTlvChoice choice, in InspectionResult firstBytes, ConnectionId id)
        {
            ArgumentNullException.ThrowIfNull(choice);
            bool hello = firstBytes.IsFound && firstBytes.Protocol == DetectedProtocol.Tls;
            bool head = firstBytes.IsFound && firstBytes.Protocol == DetectedProtocol.Http;
            if (choice.Authority)
            {
                InspectedBytes name = hello ? firstBytes.Hello.ServerName : head ? firstBytes.Head.Host : default;
                Authority = name.Length <= MaxAuthorityLength ? name : default;
            }

            Alpn = choice.Alpn && hello ? firstBytes.Hello.Alpn.First : default;
            UniqueId = choice.UniqueId && !id.IsEmpty;
        }

        public InspectedBytes Authority { get; }

        public InspectedBytes Alpn { get; }

        public bool UniqueId { get; }
    }
}
