using System.Buffers;
using System.Buffers.Binary;

namespace TcpLb.ProxyProtocol.V2;

/// <summary>Parses a v2 header whose signature has been recognised (rule 18).</summary>
internal static class ProxyV2Parser
{
    public static ProxyParseResult Parse(in ReadOnlySequence<byte> input, ProxyHeaderParserOptions options)
    {
        if (input.Length < ProxyV2Constants.FixedLength)
        {
            return ProxyHeaderParser.Incomplete(input);
        }

        Span<byte> fixedPart = stackalloc byte[ProxyV2Constants.FixedLength];
        input.Slice(0, ProxyV2Constants.FixedLength).CopyTo(fixedPart);

        int version = fixedPart[ProxyV2Constants.VersionCommandOffset] >> 4;
        int command = fixedPart[ProxyV2Constants.VersionCommandOffset] & 0x0F;
        int family = fixedPart[ProxyV2Constants.FamilyTransportOffset] >> 4;
        int transport = fixedPart[ProxyV2Constants.FamilyTransportOffset] & 0x0F;
        int length = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[ProxyV2Constants.LengthOffset..]);

        if (version != ProxyV2Constants.Version)
        {
            return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V2BadVersion);
        }

        if ((options.AcceptedVersions & ProxyVersions.V2) == 0)
        {
            return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V2NotAccepted);
        }

        if (command > (int)ProxyCommand.Proxy)
        {
            return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V2BadCommand);
        }

        // Rule 10: LOCAL is never refused for its family byte; PROXY must carry a defined combination (rule 8).
        bool isLocal = command == (int)ProxyCommand.Local;
        bool definedCombination = family <= 3 && transport <= 2 && (family == 0) == (transport == 0);
        if (!isLocal && !definedCombination)
        {
            return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V2BadFamilyOrTransport);
        }

        // Rule 21: refuse an oversized header before waiting for (and buffering) its bytes.
        if (length > options.MaxV2Length)
        {
            return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V2LengthTooLarge);
        }

        int headerLength = ProxyV2Constants.FixedLength + length;
        if (input.Length < headerLength)
        {
            return ProxyHeaderParser.Incomplete(input);
        }

        // Rule 12: exactly 16 + len bytes; what follows belongs to the application.
        ReadOnlySequence<byte> header = input.Slice(0, headerLength);
        return isLocal
            ? ParseLocal(input, header, family, transport, options)
            : ParseProxy(input, header, family, transport, options);
    }

    private static ProxyParseResult ParseLocal(in ReadOnlySequence<byte> input, ReadOnlySequence<byte> header, int family, int transport, ProxyHeaderParserOptions options)
    {
        // Rule 10: TLVs start right at offset 16 (HAProxy's checks, AWS NLB's 0x11/len 84 probes).
        // A sender that did put an address block in a LOCAL header is also understood.
        ReadOnlySequence<byte> tlvs = header.Slice(ProxyV2Constants.FixedLength);
        if (!ProxyTlvEnumerator.TryValidate(tlvs, out ProxyTlv crc))
        {
            int block = family <= 3 && transport <= 2 ? ProxyV2Constants.AddressBlockLength(family) : 0;
            if (block == 0 || tlvs.Length < block || !ProxyTlvEnumerator.TryValidate(tlvs.Slice(block), out crc))
            {
                return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V2TlvOverrun);
            }

            tlvs = tlvs.Slice(block);
        }

        var parsed = new ProxyHeader(
            ProxyVersion.V2, ProxyCommand.Local, ProxyAddressFamily.Unspecified, ProxyTransport.Unspecified,
            default, 0, default, 0, tlvs, (int)header.Length);
        return Finish(input, header, parsed, crc, options);
    }

    private static ProxyParseResult ParseProxy(in ReadOnlySequence<byte> input, ReadOnlySequence<byte> header, int family, int transport, ProxyHeaderParserOptions options)
    {
        int block = ProxyV2Constants.AddressBlockLength(family);
        if (header.Length - ProxyV2Constants.FixedLength < block)
        {
            return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V2AddressBlockTooShort);
        }

        ReadOnlySequence<byte> tlvs = header.Slice(ProxyV2Constants.FixedLength + block);
        if (!ProxyTlvEnumerator.TryValidate(tlvs, out ProxyTlv crc))
        {
            // Rule 11: UNSPEC means "skip len bytes", like v1 UNKNOWN: what follows may be an address block
            // of a protocol we do not know, so bytes that are not TLVs are skipped, not refused. None of them
            // is kept as a TLV, so nothing malformed is ever passed on.
            if (family != 0)
            {
                return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V2TlvOverrun);
            }

            tlvs = ReadOnlySequence<byte>.Empty;
            crc = default; // a CRC32C "found" before the bytes stopped being TLVs was not one
        }

        ProxyAddress source = default, destination = default;
        ushort sourcePort = 0, destinationPort = 0;
        if (family is 1 or 2)
        {
            // The address block: source, destination, source port, destination port (rule 9).
            int addressLength = family == 1 ? 4 : 16;
            Span<byte> addresses = stackalloc byte[ProxyV2Constants.Inet6BlockLength];
            addresses = addresses[..block];
            header.Slice(ProxyV2Constants.FixedLength, block).CopyTo(addresses);
            source = ProxyAddress.FromBytes(addresses[..addressLength]);
            destination = ProxyAddress.FromBytes(addresses.Slice(addressLength, addressLength));
            sourcePort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * addressLength)..]);
            destinationPort = BinaryPrimitives.ReadUInt16BigEndian(addresses[((2 * addressLength) + 2)..]);
        }

        // UNSPEC (rule 11) and UNIX (rule 8) carry no address a TCP receiver can use; their block is skipped.
        var parsed = new ProxyHeader(
            ProxyVersion.V2, ProxyCommand.Proxy, (ProxyAddressFamily)family, (ProxyTransport)transport,
            source, sourcePort, destination, destinationPort, tlvs, (int)header.Length);
        return Finish(input, header, parsed, crc, options);
    }

    // crc: the first CRC32C TLV, found while the TLVs were validated (default when there is none).
    private static ProxyParseResult Finish(in ReadOnlySequence<byte> input, ReadOnlySequence<byte> header, ProxyHeader parsed, ProxyTlv crc, ProxyHeaderParserOptions options)
    {
        if (options.VerifyChecksum && crc.Type == ProxyTlvType.Crc32C)
        {
            if (crc.Value.Length != 4)
            {
                return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V2ChecksumMalformed);
            }

            // Rule 15/16: checksum of the whole header with the value itself read as zeros.
            long valueOffset = header.Slice(0, crc.Value.Start).Length;
            Span<byte> expected = stackalloc byte[4];
            crc.Value.CopyTo(expected);
            if (Crc32C.Compute(header, valueOffset) != BinaryPrimitives.ReadUInt32BigEndian(expected))
            {
                return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V2ChecksumMismatch);
            }
        }

        return ProxyHeaderParser.Complete(input, parsed);
    }
}
