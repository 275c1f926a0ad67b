using System.Buffers;
using System.Buffers.Binary;
using System.Net;

namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>
/// A header the writer can produce, as the generators describe it: what to build, in which version,
/// the TLVs the header carries (forwarded from an upstream, rule 24) and the TLVs passed to the writer,
/// and whether a CRC32C is added. It also models, independently of the codec, what must come out:
/// the v2 bytes, and what a receiver reads back.
/// </summary>
public sealed record WritableHeader(
    WritableHeaderKind Kind,
    ProxyVersion Version,
    ProxyAddress Source,
    ushort SourcePort,
    ProxyAddress Destination,
    ushort DestinationPort,
    bool BuiltFromEndPoints,
    IReadOnlyList<GeneratedTlv> Forwarded,
    IReadOnlyList<GeneratedTlv> Extra,
    bool Crc32C)
{
    private const int FixedLength = 16;

    private static readonly byte[] s_signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>The header built through the public API.</summary>
    public ProxyHeader ToHeader()
    {
        var forwarded = new ReadOnlySequence<byte>(GeneratedTlv.Encode(Forwarded));
        return Kind switch
        {
            WritableHeaderKind.Tcp when BuiltFromEndPoints => ProxyHeader.ForTcp(
                new IPEndPoint(Source.ToIPAddress()!, SourcePort),
                new IPEndPoint(Destination.ToIPAddress()!, DestinationPort),
                forwarded),
            WritableHeaderKind.Tcp => ProxyHeader.ForTcp(Source, SourcePort, Destination, DestinationPort, forwarded),
            WritableHeaderKind.Local => ProxyHeader.Local(forwarded),
            _ => ProxyHeader.Unknown(forwarded),
        };
    }

    public ProxyTlv[] ExtraTlvs() => [.. Extra.Select(tlv => tlv.ToProxyTlv())];

    /// <summary>What <see cref="ProxyHeaderWriter.GetLength"/> announces.</summary>
    public int AnnouncedLength() => ProxyHeaderWriter.GetLength(ToHeader(), Version, ExtraTlvs(), Crc32C);

    /// <summary>The bytes <see cref="ProxyHeaderWriter.Write(Span{byte}, in ProxyHeader, ProxyVersion, ReadOnlySpan{ProxyTlv}, bool)"/> produces.</summary>
    public byte[] Write()
    {
        var buffer = new byte[AnnouncedLength() + 64];
        int written = ProxyHeaderWriter.Write(buffer, ToHeader(), Version, ExtraTlvs(), Crc32C);
        return buffer[..written];
    }

    /// <summary>
    /// Rule 23, as <see cref="ProxyHeader.ForTcp(ProxyAddress, ushort, ProxyAddress, ushort, ReadOnlySequence{byte})"/>
    /// documents it: IPv4-mapped addresses are unmapped, then if the families differ the IPv4 one is mapped.
    /// </summary>
    public (ProxyAddress Source, ProxyAddress Destination) WireAddresses()
    {
        ProxyAddress source = Unmapped(Source);
        ProxyAddress destination = Unmapped(Destination);
        return source.Family == destination.Family
            ? (source, destination)
            : (Mapped(source), Mapped(destination));
    }

    /// <summary>What a receiver must read back from the written bytes.</summary>
    public HeaderMeaning ExpectedMeaning()
    {
        if (Version == ProxyVersion.V1)
        {
            // v1 has no TLVs and no LOCAL: anything but a TCP client is PROXY UNKNOWN (rules 4, 25).
            return Kind == WritableHeaderKind.Tcp ? TcpMeaning(string.Empty) : HeaderMeaning.Unknown();
        }

        string tlvHex = Convert.ToHexString(ExpectedV2Bytes()[(FixedLength + AddressBlockLength())..]);
        return Kind switch
        {
            WritableHeaderKind.Tcp => TcpMeaning(tlvHex),
            WritableHeaderKind.Local => HeaderMeaning.Local(tlvHex),
            _ => HeaderMeaning.Unknown(tlvHex),
        };
    }

    /// <summary>The expected meaning as a <see cref="ProxyHeader"/>, for the codec's own Equals.</summary>
    public ProxyHeader ExpectedHeader()
    {
        HeaderMeaning meaning = ExpectedMeaning();
        var tlvs = new ReadOnlySequence<byte>(Convert.FromHexString(meaning.TlvHex));
        return meaning.Command == ProxyCommand.Local ? ProxyHeader.Local(tlvs)
            : meaning.Family == ProxyAddressFamily.Unspecified ? ProxyHeader.Unknown(tlvs)
            : ProxyHeader.ForTcp(meaning.Source, meaning.SourcePort, meaning.Destination, meaning.DestinationPort, tlvs);
    }

    /// <summary>
    /// The v2 header laid out by hand from the spec's table (rules 9, 12, 15): signature, version/command,
    /// family/transport, length, address block, forwarded TLVs, the writer's TLVs, then the CRC32C TLV
    /// whose value is the CRC of the whole header with that value zeroed.
    /// </summary>
    public byte[] ExpectedV2Bytes()
    {
        var bytes = new List<byte>(s_signature)
        {
            (byte)(Kind == WritableHeaderKind.Local ? 0x20 : 0x21),
            FamilyTransportByte(),
            0,
            0,
        };

        if (Kind == WritableHeaderKind.Tcp)
        {
            (ProxyAddress source, ProxyAddress destination) = WireAddresses();
            var block = new byte[AddressBlockLength()];
            int n = source.CopyTo(block);
            n += destination.CopyTo(block.AsSpan(n));
            BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(n), SourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(n + 2), DestinationPort);
            bytes.AddRange(block);
        }

        bytes.AddRange(GeneratedTlv.Encode(Forwarded.Concat(Extra)));
        int checksumOffset = -1;
        if (Crc32C)
        {
            bytes.AddRange([(byte)ProxyTlvType.Crc32C, 0, 4]);
            checksumOffset = bytes.Count;
            bytes.AddRange([0, 0, 0, 0]);
        }

        byte[] header = [.. bytes];
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)(header.Length - FixedLength));
        if (checksumOffset >= 0)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(checksumOffset), Crc32CReference.Compute(header));
        }

        return header;
    }

    /// <summary>
    /// The v2 bytes that say where things are: version/command, family/transport, the length, and each
    /// TLV's type and length bytes. A bit flip elsewhere changes contents, not layout.
    /// </summary>
    public IEnumerable<int> V2FramingOffsets()
    {
        for (int offset = 12; offset < FixedLength; offset++)
        {
            yield return offset;
        }

        int tlvStart = FixedLength + AddressBlockLength();
        IEnumerable<int> lengths = Forwarded.Concat(Extra).Select(tlv => tlv.EncodedLength);
        if (Crc32C)
        {
            lengths = lengths.Append(GeneratedTlv.HeaderLength + 4);
        }

        foreach (int length in lengths)
        {
            for (int i = 0; i < GeneratedTlv.HeaderLength; i++)
            {
                yield return tlvStart + i;
            }

            tlvStart += length;
        }
    }

    public override string ToString()
    {
        string what = Kind == WritableHeaderKind.Tcp
            ? $"TCP {Source}:{SourcePort} -> {Destination}:{DestinationPort}{(BuiltFromEndPoints ? " (from IPEndPoints)" : string.Empty)}"
            : Kind.ToString().ToUpperInvariant();
        return $"v{(int)Version} {what}; forwarded [{string.Join(", ", Forwarded)}]; extra [{string.Join(", ", Extra)}]; crc32C {Crc32C}";
    }

    private HeaderMeaning TcpMeaning(string tlvHex)
    {
        (ProxyAddress source, ProxyAddress destination) = WireAddresses();
        return new(ProxyCommand.Proxy, source.Family, ProxyTransport.Stream, source, SourcePort, destination, DestinationPort, tlvHex);
    }

    private byte FamilyTransportByte() => Kind != WritableHeaderKind.Tcp ? (byte)0x00
        : WireAddresses().Source.Family == ProxyAddressFamily.InterNetwork ? (byte)0x11
        : (byte)0x21;

    private int AddressBlockLength() => FamilyTransportByte() switch
    {
        0x11 => 12,
        0x21 => 36,
        _ => 0,
    };

    private static ProxyAddress Unmapped(ProxyAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        int length = address.CopyTo(bytes);
        bool mapped = length == 16 && bytes[..10].IndexOfAnyExcept((byte)0) < 0 && bytes[10] == 0xFF && bytes[11] == 0xFF;
        return mapped ? ProxyAddress.FromBytes(bytes[12..16]) : address;
    }

    private static ProxyAddress Mapped(ProxyAddress address)
    {
        if (address.Family != ProxyAddressFamily.InterNetwork)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        bytes[10] = 0xFF;
        bytes[11] = 0xFF;
        _ = address.CopyTo(bytes[12..]);
        return ProxyAddress.FromBytes(bytes);
    }
}
