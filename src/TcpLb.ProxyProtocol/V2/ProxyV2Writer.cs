using System.Buffers;
using System.Buffers.Binary;

namespace TcpLb.ProxyProtocol.V2;

/// <summary>Writes the v2 binary header: fixed part, address block, TLVs, then the optional CRC32C.</summary>
internal static class ProxyV2Writer
{
    public static int GetLength(in ProxyHeader header, ReadOnlySpan<ProxyTlv> tlvs, bool crc32C)
    {
        long length = ProxyV2Constants.FixedLength + AddressBlockLength(header);
        foreach (ProxyTlv tlv in header.EnumerateTlvs())
        {
            length += tlv.Type == ProxyTlvType.Crc32C ? 0 : ProxyTlvEnumerator.TlvHeaderLength + tlv.Value.Length;
        }

        foreach (ProxyTlv tlv in tlvs)
        {
            Validate(tlv);
            length += tlv.Type == ProxyTlvType.Crc32C ? 0 : ProxyTlvEnumerator.TlvHeaderLength + tlv.Value.Length;
        }

        length += crc32C ? ProxyV2Constants.Crc32CTlvLength : 0;
        if (length > ProxyV2Constants.MaxHeaderLength)
        {
            throw new ArgumentException($"The header would be {length} bytes; v2 allows at most {ProxyV2Constants.MaxHeaderLength} (rule 12).");
        }

        return (int)length;
    }

    public static int Write(Span<byte> destination, in ProxyHeader header, ReadOnlySpan<ProxyTlv> tlvs, bool crc32C)
    {
        int length = GetLength(header, tlvs, crc32C);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the v2 header needs {length}.", nameof(destination));
        }

        Span<byte> output = destination[..length];
        ProxyV2Constants.Signature.CopyTo(output);
        output[ProxyV2Constants.VersionCommandOffset] = (byte)((ProxyV2Constants.Version << 4) | (int)header.Command);
        output[ProxyV2Constants.FamilyTransportOffset] = FamilyTransportByte(header);
        BinaryPrimitives.WriteUInt16BigEndian(output[ProxyV2Constants.LengthOffset..], (ushort)(length - ProxyV2Constants.FixedLength));

        int n = ProxyV2Constants.FixedLength + WriteAddressBlock(output[ProxyV2Constants.FixedLength..], header);

        // Forwarded TLVs first (rule 24), then the caller's. A stale CRC32C from either is dropped:
        // it can only be right for the header it came with.
        foreach (ProxyTlv tlv in header.EnumerateTlvs())
        {
            n += WriteTlv(output[n..], tlv);
        }

        foreach (ProxyTlv tlv in tlvs)
        {
            n += WriteTlv(output[n..], tlv);
        }

        if (crc32C)
        {
            output[n] = (byte)ProxyTlvType.Crc32C;
            BinaryPrimitives.WriteUInt16BigEndian(output[(n + 1)..], 4);
            int valueOffset = n + ProxyTlvEnumerator.TlvHeaderLength;
            BinaryPrimitives.WriteUInt32BigEndian(output[valueOffset..], Crc32C.Compute(output, valueOffset));
        }

        return length;
    }

    private static byte FamilyTransportByte(in ProxyHeader header)
    {
        bool hasAddresses = header.Command == ProxyCommand.Proxy
            && header.Family is ProxyAddressFamily.InterNetwork or ProxyAddressFamily.InterNetworkV6;
        return hasAddresses ? (byte)(((int)header.Family << 4) | (int)header.Transport) : (byte)0;
    }

    private static int AddressBlockLength(in ProxyHeader header) =>
        FamilyTransportByte(header) == 0 ? 0 : ProxyV2Constants.AddressBlockLength((int)header.Family);

    private static int WriteAddressBlock(Span<byte> output, in ProxyHeader header)
    {
        int block = AddressBlockLength(header);
        if (block == 0)
        {
            return 0;
        }

        int n = header.SourceAddress.CopyTo(output);
        n += header.DestinationAddress.CopyTo(output[n..]);
        BinaryPrimitives.WriteUInt16BigEndian(output[n..], header.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(output[(n + 2)..], header.DestinationPort);
        return block;
    }

    private static int WriteTlv(Span<byte> output, ProxyTlv tlv)
    {
        if (tlv.Type == ProxyTlvType.Crc32C)
        {
            return 0;
        }

        output[0] = (byte)tlv.Type;
        BinaryPrimitives.WriteUInt16BigEndian(output[1..], (ushort)tlv.Value.Length);
        tlv.Value.CopyTo(output[ProxyTlvEnumerator.TlvHeaderLength..]);
        return ProxyTlvEnumerator.TlvHeaderLength + (int)tlv.Value.Length;
    }

    private static void Validate(ProxyTlv tlv)
    {
        if (tlv.Value.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"TLV 0x{(byte)tlv.Type:X2} holds {tlv.Value.Length} bytes; a TLV holds at most 65535.");
        }

        if (tlv.Type == ProxyTlvType.UniqueId && tlv.Value.Length > ProxyTlv.MaxUniqueIdLength)
        {
            throw new ArgumentException($"UNIQUE_ID holds {tlv.Value.Length} bytes; the spec allows at most {ProxyTlv.MaxUniqueIdLength}.");
        }
    }
}
