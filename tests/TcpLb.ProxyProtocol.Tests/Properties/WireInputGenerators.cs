using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using TcpLb.ProxyProtocol.Tests.Support;

namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>
/// Generators for what arrives on the wire: written headers cut into reads, and hostile or broken bytes
/// (pure noise, noise after <c>PROXY </c> or the v2 signature, written headers with a few bytes changed).
/// </summary>
public static class WireInputGenerators
{
    private static readonly byte[] s_v2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static readonly Gen<byte> s_anyByte = HeaderGenerators.AnyByte;

    public static Arbitrary<ChunkedHeader> ChunkedHeaders() => Arb.From(
        from header in HeaderGenerators.AnyVersion
        let bytes = header.Write()
        from payload in Bytes(0, 200)
        from cutCount in Gen.Choose(0, 8)
        from cuts in Gen.Choose(0, bytes.Length + payload.Length).ArrayOf(cutCount)
        select new ChunkedHeader(header, bytes, payload, [.. cuts.Order()]));

    public static Arbitrary<WireInput> WireInputs() => Arb.From(Gen.Frequency(
        (1, Bytes(0, 200).Select(bytes => new WireInput("noise", bytes))),
        (2, s_afterV1Prefix),
        (3, s_v1Line),
        (3, s_afterV2Signature),
        (3, s_mutatedHeader)));

    public static Arbitrary<AddressText> AddressTexts() => Arb.From(IPv6Text);

    public static Gen<byte[]> Bytes(int minLength, int maxLength) =>
        from length in Gen.Choose(minLength, maxLength)
        from bytes in s_anyByte.ArrayOf(length)
        select bytes;

    /// <summary>Pieces of a v1 line: its words, digits, separators, addresses and ports, and stray bytes.</summary>
    private static readonly Gen<byte[]> s_v1Piece = Gen.Frequency(
        (2, s_anyByte.Select(b => new[] { b })),
        (5, Gen.Elements("0123456789abcdefABCDEF.:".ToCharArray()).Select(c => new[] { (byte)c })),
        (5, Gen.Constant(" "u8.ToArray())),
        (2, Gen.Elements("\r\n", "\r", "\n", "  ").Select(Hex.Ascii)),
        (3, Gen.Elements("TCP4", "TCP6", "UNKNOWN", "TCP", "tcp4", "PROXY ").Select(Hex.Ascii)),
        (3, HeaderGenerators.Address.Select(address => Hex.Ascii(address.ToString()))),
        (3, Gen.Frequency(
                (3, Gen.Choose(0, 99999).Select(port => port.ToString(CultureInfo.InvariantCulture))),
                (1, Gen.Elements("00", "-1", "+1", "065535", "65536", "1e3")))
            .Select(Hex.Ascii)));

    /// <summary>
    /// An IPv6 address written in any RFC 4291 form: groups in either case with or without leading zeros,
    /// <c>::</c> standing for any one run of zero groups (or none), the last 32 bits as a dotted quad or not.
    /// </summary>
    public static readonly Gen<AddressText> IPv6Text =
        from groups in HeaderGenerators.Group.ArrayOf(8)
        from dottedTail in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from runChoice in Gen.Choose(0, 1000)
        from upperCase in Gen.Elements(false, true).ArrayOf(8)
        from padding in Gen.Choose(0, 3).ArrayOf(8)
        select new AddressText(
            FormatIPv6(groups, dottedTail, runChoice, upperCase, padding),
            HeaderGenerators.FromGroups(groups));

    private static readonly Gen<string> s_iPv4Field = HeaderGenerators.IPv4.Select(address => address.ToString());

    private static readonly Gen<string> s_iPv6Field = Gen.Frequency(
        (3, IPv6Text.Select(text => text.Text)),
        (1, HeaderGenerators.Address.Select(address => address.MapToIPv6().ToString())));

    private static readonly Gen<string> s_noiseField =
        s_v1Piece.ArrayOf(3).Select(pieces => System.Text.Encoding.Latin1.GetString([.. pieces.SelectMany(piece => piece)]));

    /// <summary>Usually an address of the family the line declares (rule 2), sometimes of the other, sometimes noise.</summary>
    private static Gen<string> AddressField(string family)
    {
        (Gen<string> right, Gen<string> wrong) = family == "TCP4" ? (s_iPv4Field, s_iPv6Field) : (s_iPv6Field, s_iPv4Field);
        return Gen.Frequency((8, right), (1, wrong), (1, s_noiseField));
    }

    private static readonly Gen<string> s_portField = Gen.Frequency(
        (4, Gen.Choose(0, ushort.MaxValue).Select(port => port.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Elements("00", "07", "-1", "+1", "065535", "65536", "99999", "123456", "", "1 ", "0x1")));

    private static readonly Gen<string> s_separator = Gen.Frequency(
        (20, Gen.Constant(" ")),
        (1, Gen.Elements("  ", string.Empty, "\t", ":", "\r\n")));

    /// <summary>A v1 line shaped like the real thing (family, four fields, line end), each part usually right.</summary>
    private static readonly Gen<WireInput> s_v1Line =
        from family in Gen.Frequency(
            (4, Gen.Elements("TCP4", "TCP6")),
            (1, Gen.Elements("UNKNOWN", "UNKNOWN ", "UNKNOWN junk", "TCP5", "tcp4", "TCP", string.Empty)))
        from fieldCount in Gen.Frequency((10, Gen.Constant(4)), (1, Gen.Elements(0, 1, 2, 3, 5)))
        from fields in Gen.CollectToArray(Enumerable.Range(0, fieldCount).Select(i => i < 2 ? AddressField(family) : s_portField))
        from separators in s_separator.ArrayOf(fieldCount + 1)
        from end in Gen.Frequency(
            (12, Gen.Constant("\r\n")),
            (1, Gen.Elements("\n", "\r", string.Empty, "\r\r\n", " \r\n")))
        from payload in Gen.Frequency((3, Gen.Constant(Array.Empty<byte>())), (1, Bytes(1, 20)))
        let text = "PROXY " + family + string.Concat(fields.Select((field, i) => separators[i] + field)) + end
        select new WireInput("v1 line", [.. System.Text.Encoding.Latin1.GetBytes(text), .. payload]);

    private static readonly Gen<WireInput> s_afterV1Prefix =
        from count in Gen.Choose(0, 16)
        from pieces in s_v1Piece.ArrayOf(count)
        select new WireInput("after PROXY ", [.. "PROXY "u8, .. pieces.SelectMany(piece => piece)]);

    /// <summary>A body that sometimes looks like an address block followed by TLVs (CRC32C ones included, with random values).</summary>
    private static readonly Gen<byte[]> s_v2Body = Gen.Frequency(
        (2, Bytes(0, 300)),
        (3,
            from block in Gen.Elements(0, 12, 36, 216)
            from blockBytes in s_anyByte.ArrayOf(block)
            from tlvs in HeaderGenerators.Tlvs
            from checksum in Gen.Frequency((3, Gen.Constant(Array.Empty<byte>())), (1, Bytes(0, 6)))
            from tail in Gen.Frequency((3, Gen.Constant(Array.Empty<byte>())), (1, Bytes(1, 5)))
            select (byte[])[
                .. blockBytes,
                .. GeneratedTlv.Encode(tlvs),
                .. (checksum.Length == 0 ? [] : GeneratedTlv.Encode([new GeneratedTlv((byte)ProxyTlvType.Crc32C, checksum)])),
                .. tail]));

    private static readonly Gen<WireInput> s_afterV2Signature =
        from versionCommand in Gen.Frequency((4, Gen.Elements<byte>(0x20, 0x21)), (1, s_anyByte))
        from familyTransport in Gen.Frequency((4, Gen.Elements<byte>(0x00, 0x01, 0x11, 0x12, 0x21, 0x22, 0x31, 0x32)), (1, s_anyByte))
        from body in s_v2Body
        from length in Gen.Frequency(
            (4, Gen.Constant(body.Length)),
            (1, Gen.Choose(0, body.Length)),
            (1, Gen.Choose(0, ushort.MaxValue)))
        from trailing in Gen.Frequency((3, Gen.Constant(Array.Empty<byte>())), (1, Bytes(1, 20)))
        select new WireInput(
            "after the v2 signature",
            [.. s_v2Signature, versionCommand, familyTransport, (byte)(length >> 8), (byte)length, .. body, .. trailing]);

    private static readonly Gen<WireInput> s_mutatedHeader =
        from header in HeaderGenerators.AnyVersion
        let bytes = header.Write()
        from payload in Gen.Frequency((3, Gen.Constant(Array.Empty<byte>())), (1, Bytes(1, 40)))
        from count in Gen.Choose(1, 3)
        from positions in Gen.Choose(0, bytes.Length - 1).ArrayOf(count)
        from values in Gen.Frequency((1, s_anyByte), (1, Gen.Elements("0123456789abcdefABCDEF.: ".ToCharArray()).Select(c => (byte)c))).ArrayOf(count)
        select new WireInput(
            $"{header} with bytes {string.Join(", ", positions.Zip(values, (p, v) => $"{p}:={v:X2}"))}",
            Mutate([.. bytes, .. payload], positions, values));

    private static string FormatIPv6(ushort[] groups, bool dottedTail, int runChoice, bool[] upperCase, int[] padding)
    {
        int hexGroups = dottedTail ? 6 : 8;
        var tokens = new List<string>();
        for (int g = 0; g < hexGroups; g++)
        {
            string hex = groups[g].ToString(upperCase[g] ? "X" : "x", CultureInfo.InvariantCulture);
            tokens.Add(hex.PadLeft(Math.Min(4, hex.Length + padding[g]), '0'));
        }

        string tail = dottedTail
            ? $"{groups[6] >> 8}.{groups[6] & 0xFF}.{groups[7] >> 8}.{groups[7] & 0xFF}"
            : string.Empty;

        // Every run of zero groups (maximal or not) may be the one "::" stands for; one choice is "no ::".
        var runs = new List<(int Start, int Length)>();
        for (int start = 0; start < hexGroups; start++)
        {
            for (int end = start; end < hexGroups && groups[end] == 0; end++)
            {
                runs.Add((start, end - start + 1));
            }
        }

        int pick = runChoice % (runs.Count + 1);
        if (pick == runs.Count)
        {
            return string.Join(':', dottedTail ? tokens.Append(tail) : tokens);
        }

        (int runStart, int runLength) = runs[pick];
        string left = string.Join(':', tokens.Take(runStart));
        IEnumerable<string> rightTokens = tokens.Skip(runStart + runLength);
        string right = string.Join(':', dottedTail ? rightTokens.Append(tail) : rightTokens);
        return left + "::" + right;
    }

    private static byte[] Mutate(byte[] bytes, int[] positions, byte[] values)
    {
        for (int i = 0; i < positions.Length; i++)
        {
            bytes[positions[i]] = values[i];
        }

        return bytes;
    }
}
