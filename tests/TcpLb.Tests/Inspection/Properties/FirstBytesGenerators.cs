using System.Text;
using FsCheck;
using FsCheck.Fluent;
using TcpLb.Tests.Inspection.Support;

namespace TcpLb.Tests.Inspection.Properties;

/// <summary>
/// Generators for first bytes: ClientHellos with random names, ALPN offers, GREASE and other extensions in any
/// order and any record split; request heads with random hosts, ports, case, line ends and fields; and hostile
/// bytes (noise, noise after a TLS or HTTP start, valid hellos and heads with bytes changed or cut short).
/// </summary>
public static class FirstBytesGenerators
{
    private static readonly Gen<byte> AnyByte = Gen.Choose(0, 255).Select(b => (byte)b);

    private static readonly Gen<char> LabelChar = Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".ToCharArray());

    private static readonly Gen<string> Label =
        from length in Gen.Frequency((5, Gen.Choose(1, 12)), (1, Gen.Choose(13, 63)))
        from chars in LabelChar.ArrayOf(length)
        select new string(chars);

    /// <summary>A DNS name of 1-4 labels, any case, within 255 bytes.</summary>
    private static readonly Gen<string> DnsName =
        from count in Gen.Choose(1, 4)
        from labels in Label.ArrayOf(count)
        let name = string.Join('.', labels)
        where name.Length <= 254
        select name;

    private static readonly Gen<ushort> GreaseValue = Gen.Choose(0, 15).Select(i => (ushort)(0x0A0A | (i << 12) | (i << 4)));

    private static readonly Gen<byte[]> AlpnName = Gen.Frequency(
        (3, Gen.Elements("h2", "http/1.1", "h3", "spdy/3.1", "acme-tls/1", "stun.turn").Select(Encoding.ASCII.GetBytes)),
        (1, from length in Gen.Choose(1, 30)
            from bytes in AnyByte.ArrayOf(length)
            where !(bytes.Length == 2 && bytes[0] == bytes[1] && (bytes[0] & 0x0F) == 0x0A)
            select bytes));

    private static readonly Gen<(ushort Type, byte[] Data)> OtherExtension =
        from type in Gen.Frequency(
            (3, Gen.Elements<ushort>(5, 10, 11, 13, 21, 22, 23, 35, 45, 51, 0xFF01, 27, 17513)),
            (2, GreaseValue),
            (1, Gen.Choose(0, ushort.MaxValue).Select(t => (ushort)t)))
        where type is not (0x0000 or 0x0010 or 0x002B or 0xFE0D)
        from length in Gen.Frequency((3, Gen.Choose(0, 40)), (1, Gen.Choose(41, 300)))
        from data in AnyByte.ArrayOf(length)
        select (type, data);

    public static Arbitrary<GeneratedHello> Hellos() => Arb.From(
        from serverName in Gen.Frequency((4, DnsName.Select(n => (string?)n)), (1, Gen.Constant((string?)null)))
        from trailingDot in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        from alpnCount in Gen.Choose(0, 4)
        from alpn in AlpnName.ArrayOf(alpnCount)
        from greaseAlpnAt in Gen.Choose(-1, alpnCount)
        from greaseAlpn in GreaseValue
        from versions in Gen.Frequency(
            (3, Gen.Constant(new ushort[] { 0x0304, 0x0303 })),
            (1, Gen.Constant(Array.Empty<ushort>())),
            (1, Gen.Elements<ushort>(0x0301, 0x0302, 0x0303, 0x0304).ArrayOf(3)))
        from greaseVersion in Gen.Elements(false, true)
        from greaseVersionValue in GreaseValue
        from otherCount in Gen.Choose(0, 8)
        from others in OtherExtension.ArrayOf(otherCount)
        from order in Gen.Choose(0, 1000).ArrayOf(otherCount + 3)
        from sessionIdLength in Gen.Elements(0, 32)
        from suiteCount in Gen.Choose(1, 40)
        from suites in Gen.Choose(0, ushort.MaxValue).Select(s => (ushort)s).ArrayOf(suiteCount)
        from fragmentCount in Gen.Choose(1, 4)
        from fragments in Gen.Frequency((3, Gen.Constant(16384)), (1, Gen.Choose(1, 40)), (2, Gen.Choose(41, 600))).ArrayOf(fragmentCount)
        from recordMinor in Gen.Elements<byte>(1, 3)
        from trailing in Gen.Frequency((3, Gen.Constant(Array.Empty<byte>())), (1, AnyByte.ArrayOf(20)))
        from cutCount in Gen.Choose(0, 6)
        from cutSeeds in Gen.Choose(0, int.MaxValue).ArrayOf(cutCount)
        select BuildHello(serverName, trailingDot, alpn, greaseAlpnAt, greaseAlpn, versions, greaseVersion, greaseVersionValue,
            others, order, sessionIdLength, suites, fragments, recordMinor, trailing, cutSeeds));

    private static readonly Gen<string> Method = Gen.Frequency(
        (5, Gen.Elements("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH")),
        (1, from length in Gen.Choose(1, 12)
            from chars in Gen.Elements("ABCDEFGHIJKLMNOPQRSTUVWXYZ-_!#$%&'*+.^`|~0123456789".ToCharArray()).ArrayOf(length)
            select new string(chars)));

    private static readonly Gen<string> Path =
        from length in Gen.Choose(0, 30)
        from chars in Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789/?=&%.-_~:@!$'()*+,;".ToCharArray()).ArrayOf(length)
        select "/" + new string(chars);

    private static readonly Gen<string> FieldValue =
        from length in Gen.Choose(0, 40)
        from chars in Gen.Frequency(
            (10, Gen.Elements(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~".ToCharArray())),
            (1, Gen.Elements('\t', '\u00e9', '\u00ff', '\u0080'))).ArrayOf(length)
        select new string(chars).Trim(' ', '\t');

    private static readonly Gen<string> HeaderName =
        from length in Gen.Choose(1, 16)
        from chars in Gen.Elements("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-_".ToCharArray()).ArrayOf(length)
        let name = new string(chars)
        where !name.Equals("host", StringComparison.OrdinalIgnoreCase) && !name.Equals("upgrade", StringComparison.OrdinalIgnoreCase)
            && !name.Equals("connection", StringComparison.OrdinalIgnoreCase)
        select name;

    public static Arbitrary<GeneratedHead> Heads() => Arb.From(
        from method in Method
        from host in Gen.Frequency(
            (5, DnsName),
            (1, Gen.Elements("[2001:db8::1]", "[::1]", "192.0.2.7", "[fe80::1%25eth0]")))
        from hostCase in Gen.Elements(0, 1, 2)
        from trailingDot in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true)))
        from port in Gen.Frequency((2, Gen.Constant((int?)null)), (1, Gen.Choose(0, 65535).Select(p => (int?)p)))
        from absoluteForm in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true)))
        from path in Path
        from minor in Gen.Elements(0, 1)
        from hostFieldName in Gen.Elements("Host", "host", "HOST", "hOsT")
        from hostPresent in Gen.Frequency((8, Gen.Constant(true)), (1, Gen.Constant(false)))
        from websocket in Gen.Elements(false, true)
        from upgradeList in Gen.Elements("websocket", "WebSocket", "h2c, websocket", "websocket ,foo")
        from connectionList in Gen.Elements("Upgrade", "upgrade", "keep-alive, Upgrade", "Upgrade,close")
        from otherCount in Gen.Choose(0, 6)
        from otherNames in HeaderName.ArrayOf(otherCount)
        from otherValues in FieldValue.ArrayOf(otherCount)
        from order in Gen.Choose(0, 1000).ArrayOf(otherCount + 3)
        from lineEnds in Gen.Frequency((4, Gen.Constant("\r\n")), (1, Gen.Constant("\n"))).ArrayOf(otherCount + 5)
        from ows in Gen.Elements("", " ", "  ", "\t", " \t").ArrayOf(otherCount + 3)
        from emptyLines in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Choose(1, 3)))
        from body in Gen.Frequency((2, Gen.Constant(Array.Empty<byte>())), (1, AnyByte.ArrayOf(30)))
        from cutCount in Gen.Choose(0, 6)
        from cutSeeds in Gen.Choose(0, int.MaxValue).ArrayOf(cutCount)
        select BuildHead(method, CaseOf(host, hostCase) + (trailingDot && !host.StartsWith('[') ? "." : string.Empty), CaseOf(host, hostCase),
            port, absoluteForm, path, minor, hostFieldName, hostPresent, websocket, upgradeList, connectionList,
            otherNames, otherValues, order, lineEnds, ows, emptyLines, body, cutSeeds));

    public static Arbitrary<FirstBytesInput> FirstBytes() => Arb.From(Gen.Frequency(
        (2, Bytes(0, 300).Select(bytes => new FirstBytesInput("noise", bytes))),
        (1, Bytes(0, 100).Select(bytes => new FirstBytesInput("after a handshake record start", [0x16, 0x03, .. bytes]))),
        (1, Bytes(0, 100).Select(bytes => new FirstBytesInput("after an SSLv2 start", [0x80, (byte)bytes.Length, 0x01, 0x03, .. bytes]))),
        (1, Bytes(0, 100).Select(bytes => new FirstBytesInput("after GET", [.. "GET "u8, .. bytes]))),
        (3, Mutated(Hellos().Generator.Select(hello => hello.Bytes), "hello")),
        (3, Mutated(Heads().Generator.Select(head => head.Bytes), "head")),
        (2, CutShort(Hellos().Generator.Select(hello => hello.Bytes), "hello")),
        (2, CutShort(Heads().Generator.Select(head => head.Bytes), "head"))));

    private static Gen<byte[]> Bytes(int min, int max) =>
        from length in Gen.Choose(min, max)
        from bytes in AnyByte.ArrayOf(length)
        select bytes;

    private static Gen<FirstBytesInput> Mutated(Gen<byte[]> valid, string what) =>
        from bytes in valid
        from count in Gen.Choose(1, 3)
        from positions in Gen.Choose(0, bytes.Length - 1).ArrayOf(count)
        from values in Gen.Frequency((2, AnyByte), (1, Gen.Elements<byte>(0, 1, 0x0A, 0x0D, 0x20, 0x3A, 0x7F, 0xFF))).ArrayOf(count)
        select new FirstBytesInput($"{what} with {string.Join(", ", positions.Zip(values, (p, v) => $"{p}:={v:X2}"))}", Mutate(bytes, positions, values));

    private static Gen<FirstBytesInput> CutShort(Gen<byte[]> valid, string what) =>
        from bytes in valid
        from length in Gen.Choose(0, bytes.Length)
        select new FirstBytesInput($"{what} cut at {length}", bytes[..length]);

    private static byte[] Mutate(byte[] bytes, int[] positions, byte[] values)
    {
        byte[] copy = (byte[])bytes.Clone();
        for (int i = 0; i < positions.Length; i++)
        {
            copy[positions[i]] = values[i];
        }

        return copy;
    }

    private static string CaseOf(string text, int choice) => choice switch
    {
        0 => text,
        1 => text.ToUpperInvariant(),
        _ => text.ToLowerInvariant(),
    };

    private static int[] Cuts(int[] seeds, int length) => [.. seeds.Select(seed => seed % (length + 1)).Order()];

    private static GeneratedHello BuildHello(
        string? serverName, bool trailingDot, byte[][] alpn, int greaseAlpnAt, ushort greaseAlpn, ushort[] versions, bool greaseVersion,
        ushort greaseVersionValue, (ushort Type, byte[] Data)[] others, int[] order, int sessionIdLength, ushort[] suites, int[] fragments,
        byte recordMinor, byte[] trailing, int[] cutSeeds)
    {
        var extensions = new List<(int Order, ushort Type, byte[] Data)>();
        if (serverName is not null)
        {
            extensions.Add((order[0], ClientHelloBuilder.ServerName, ClientHelloBuilder.ServerNameData(Encoding.ASCII.GetBytes(serverName + (trailingDot ? "." : string.Empty)))));
        }

        if (alpn.Length > 0)
        {
            List<byte[]> offered = [.. alpn];
            if (greaseAlpnAt >= 0)
            {
                offered.Insert(greaseAlpnAt, ClientHelloBuilder.Big16(greaseAlpn));
            }

            extensions.Add((order[1], ClientHelloBuilder.Alpn, ClientHelloBuilder.AlpnData([.. offered])));
        }

        if (versions.Length > 0)
        {
            ushort[] offeredVersions = greaseVersion ? [greaseVersionValue, .. versions] : versions;
            extensions.Add((order[2], ClientHelloBuilder.SupportedVersions, [(byte)(offeredVersions.Length * 2), .. offeredVersions.SelectMany(ClientHelloBuilder.Big16)]));
        }

        extensions.AddRange(others.Select((e, i) => (order[i + 3], e.Type, e.Data)));
        var builder = new ClientHelloBuilder
        {
            SessionId = new byte[sessionIdLength],
            CipherSuites = suites,
            Extensions = [.. extensions.OrderBy(e => e.Order).Select(e => (e.Type, e.Data))],
        };

        byte[] records = ClientHelloBuilder.Records(builder.Message(), fragments, recordMinor);
        byte[] bytes = [.. records, .. trailing];
        ushort version = versions.Length > 0 ? versions.Max() : (ushort)0x0303;
        string alpnText = string.Join(",", alpn.Select(Encoding.Latin1.GetString));
        return new GeneratedHello(
            bytes, Cuts(cutSeeds, bytes.Length), serverName, alpnText, version,
            $"SNI {serverName ?? "(none)"}{(trailingDot ? "." : string.Empty)}, ALPN [{alpnText}], {extensions.Count} extensions, fragments [{string.Join(", ", fragments)}]");
    }

    private static GeneratedHead BuildHead(
        string method, string hostAsSent, string hostExpected, int? port, bool absoluteForm, string path, int minor, string hostFieldName,
        bool hostPresent, bool websocket, string upgradeList, string connectionList, string[] otherNames, string[] otherValues, int[] order,
        string[] lineEnds, string[] ows, int emptyLines, byte[] body, int[] cutSeeds)
    {
        string authority = hostAsSent + (port is null ? string.Empty : $":{port}");
        var fields = new List<(int Order, string Line)>();
        if (hostPresent || absoluteForm)
        {
            fields.Add((order[0], $"{hostFieldName}:{ows[0]}{authority}{ows[0]}"));
        }

        if (websocket)
        {
            fields.Add((order[1], $"Upgrade:{ows[1]}{upgradeList}"));
            fields.Add((order[2], $"Connection:{ows[2]}{connectionList}"));
        }

        fields.AddRange(otherNames.Select((name, i) => (order[i + 3], $"{name}:{ows[i + 3]}{otherValues[i]}")));

        var text = new StringBuilder();
        for (int i = 0; i < emptyLines; i++)
        {
            text.Append("\r\n");
        }

        string target = absoluteForm ? $"http://{authority}{path}" : path;
        text.Append($"{method} {target} HTTP/1.{minor}{lineEnds[0]}");
        int line = 1;
        foreach ((int _, string field) in fields.OrderBy(f => f.Order))
        {
            text.Append(field).Append(lineEnds[line++]);
        }

        text.Append(lineEnds[line]);
        byte[] head = Encoding.Latin1.GetBytes(text.ToString());
        byte[] bytes = [.. head, .. body];
        bool expectWebSocket = websocket && method == "GET" && minor == 1;
        return new GeneratedHead(bytes, head.Length, Cuts(cutSeeds, bytes.Length), hostPresent || absoluteForm ? hostExpected : null, expectWebSocket);
    }
}
