using System.Buffers;
using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TcpLb.Inspection;
using TcpLb.ProxyProtocol;
using TcpLb.Tests.Inspection.Properties;
using TcpLb.Tlvs;
using Xunit;

namespace TcpLb.Tests.Tlvs;

/// <summary>
/// Whatever the choice, the client's first bytes and the upstream's TLVs, the composed header parses back
/// (checksum verified), is never longer than <see cref="ProxyTlvComposer.MaxHeaderLength"/> says (the bound
/// config validation relies on), and carries exactly one TLV of each type it writes itself, with this connection's value.
/// </summary>
public sealed class ProxyTlvComposerProperties
{
    private const int ForwardedTlvBound = 600;

    public static Arbitrary<ProxyTlvChoiceCase> Cases() => Arb.From(
        from flags in Gen.Elements(false, true).ArrayOf(5)
        from customCount in Gen.Choose(0, 3)
        from customLengths in Gen.Choose(0, 60).ArrayOf(customCount)
        from upstreamCount in Gen.Choose(0, 6)
        from upstreamTypes in Gen.Elements<byte>(0x01, 0x02, 0x03, 0x04, 0x05, 0x30, 0xE0, 0xE1, 0xEA).ArrayOf(upstreamCount)
        from upstreamLengths in Gen.Choose(0, (ForwardedTlvBound / 6) - 3).ArrayOf(upstreamCount)
        from ipv6 in Gen.Elements(false, true)
        select new ProxyTlvChoiceCase(flags, customLengths, upstreamTypes, upstreamLengths, ipv6));

    [Property(MaxTest = 300, Arbitrary = new[] { typeof(ProxyTlvComposerProperties), typeof(FirstBytesGenerators) })]
    public void The_header_parses_back_within_its_worst_case_length(ProxyTlvChoiceCase tlvCase, GeneratedHello hello, GeneratedHead head, bool useHello)
    {
        ProxyTlvChoice choice = tlvCase.Choice();
        byte[] firstBytes = useHello ? hello.Bytes : head.Bytes;
        InspectionResult inspected = FirstBytesInspector.Inspect(new ReadOnlySequence<byte>(firstBytes), 1 << 20);
        ProxyHeader client = tlvCase.Client();
        var id = new ConnectionId(ulong.MaxValue, ulong.MaxValue);

        byte[] buffer = new byte[ProxyTlvComposer.HeaderBufferLength(choice, ForwardedTlvBound)];
        int length = ProxyTlvComposer.WriteHeader(buffer, choice, client, inspected, id);

        Assert.InRange(length, 1, ProxyTlvComposer.MaxHeaderLength(choice, ForwardedTlvBound));
        ProxyParseResult parsed = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(buffer, 0, length), new ProxyHeaderParserOptions { MaxV2Length = ushort.MaxValue });
        Assert.Equal(ProxyParseStatus.Complete, parsed.Status);
        Assert.Equal(length, parsed.BytesConsumed);

        var sent = new Dictionary<ProxyTlvType, List<string>>();
        foreach (ProxyTlv tlv in parsed.Header.EnumerateTlvs())
        {
            (sent.TryGetValue(tlv.Type, out List<string>? values) ? values : sent[tlv.Type] = []).Add(Encoding.Latin1.GetString(tlv.Value));
        }

        // What this connection has to say replaces whatever the upstream said of the same type: exactly one, ours.
        bool tls = inspected.IsFound && inspected.Protocol == DetectedProtocol.Tls;
        bool http = inspected.IsFound && inspected.Protocol == DetectedProtocol.Http;
        string? name = tls ? hello.ExpectedServerName : http ? head.ExpectedHost : null;
        if (choice.Authority && name is { Length: <= RouterHeaderLimits.HaproxyMaxAuthority })
        {
            Assert.Equal([name], sent[ProxyTlvType.Authority]);
        }

        string? firstAlpn = tls && hello.ExpectedAlpn.Length > 0 ? inspected.Hello.Alpn.First.ToString() : null;
        if (choice.Alpn && firstAlpn is not null)
        {
            Assert.Equal([firstAlpn], sent[ProxyTlvType.Alpn]);
        }

        if (choice.UniqueId)
        {
            Assert.Equal([id.ToString()], sent[ProxyTlvType.UniqueId]);
        }

        foreach (CustomTlv custom in choice.Custom)
        {
            Assert.Single(sent[(ProxyTlvType)custom.Type]);
        }

        Assert.Equal(choice.Crc32C ? 1 : 0, sent.GetValueOrDefault(ProxyTlvType.Crc32C)?.Count ?? 0);
    }
}

/// <summary>A drawn TLV choice (authority, alpn, unique-id, crc32c, forward) with customs 0xE0.., and the upstream header's TLVs.</summary>
public sealed record ProxyTlvChoiceCase(bool[] Flags, int[] CustomLengths, byte[] UpstreamTypes, int[] UpstreamLengths, bool IPv6)
{
    internal ProxyTlvChoice Choice() => new()
    {
        Authority = Flags[0],
        Alpn = Flags[1],
        UniqueId = Flags[2],
        Crc32C = Flags[3],
        ForwardUpstream = Flags[4],
        Custom = [.. CustomLengths.Select((length, i) => new CustomTlv((byte)(0xE0 + i), new byte[length]))],
    };

    internal ProxyHeader Client()
    {
        byte[] tlvs = [.. UpstreamTypes.Zip(UpstreamLengths, (type, length) => (byte[])[type, (byte)(length >> 8), (byte)length, .. new byte[length]]).SelectMany(tlv => tlv)];
        string source = IPv6 ? "2001:db8::7" : "192.0.2.7";
        string destination = IPv6 ? "2001:db8::1" : "192.0.2.1";
        return ProxyHeader.ForTcp(
            new IPEndPoint(IPAddress.Parse(source), 1), new IPEndPoint(IPAddress.Parse(destination), 2), new ReadOnlySequence<byte>(tlvs));
    }

    public override string ToString() =>
        $"flags [{string.Join(",", Flags)}], customs [{string.Join(",", CustomLengths)}], upstream [{string.Join(",", UpstreamTypes.Zip(UpstreamLengths, (t, l) => $"{t:X2}:{l}"))}], ipv6 {IPv6}";
}
