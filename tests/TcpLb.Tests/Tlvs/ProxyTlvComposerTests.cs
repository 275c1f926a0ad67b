using System.Buffers;
using System.Net;
using System.Text;
using TcpLb.Inspection;
using TcpLb.ProxyProtocol;
using TcpLb.Tests.Inspection.Support;
using TcpLb.Tlvs;
using Xunit;

namespace TcpLb.Tests.Tlvs;

/// <summary>
/// The TLVs TcpLb sends, checked by parsing the written header back with the codec's parser (CRC32C verified):
/// what each TLV carries, their order, what forwarding keeps and drops, and the worst-case length bound.
/// </summary>
public sealed class ProxyTlvComposerTests
{
    private static readonly ConnectionId Id = new(0x0123456789ABCDEF, 5);

    private static readonly ProxyHeader Direct = ProxyHeader.ForTcp(
        new IPEndPoint(IPAddress.Parse("192.0.2.10"), 50000), new IPEndPoint(IPAddress.Parse("198.51.100.1"), 443));

    private static readonly ProxyTlvChoice Everything = new()
    {
        Authority = true,
        Alpn = true,
        UniqueId = true,
        Crc32C = true,
        ForwardUpstream = true,
        Custom = [new CustomTlv(0xE1, "tenant-7"u8.ToArray()), new CustomTlv(0xEE, new byte[] { 1, 2, 3 })],
    };

    private static InspectionResult Inspect(byte[] bytes) => FirstBytesInspector.Inspect(new ReadOnlySequence<byte>(bytes), InspectionAssert.DefaultCap);

    /// <summary>Writes the header, parses it back (checksum verified), and lists its TLVs as (type, text).</summary>
    private static List<(ProxyTlvType Type, string Value)> SentTlvs(ProxyTlvChoice choice, in ProxyHeader client, in InspectionResult firstBytes, out ProxyHeader parsed)
    {
        byte[] buffer = new byte[ProxyTlvComposer.HeaderBufferLength(choice, 4096)];
        int length = ProxyTlvComposer.WriteHeader(buffer, choice, client, firstBytes, Id);

        Assert.True(length <= ProxyTlvComposer.MaxHeaderLength(choice, 4096));
        ProxyParseResult result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(buffer, 0, length), new ProxyHeaderParserOptions { VerifyChecksum = true, MaxV2Length = ushort.MaxValue });
        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(length, result.BytesConsumed);
        parsed = result.Header;
        var tlvs = new List<(ProxyTlvType, string)>();
        foreach (ProxyTlv tlv in parsed.EnumerateTlvs())
        {
            tlvs.Add((tlv.Type, Encoding.Latin1.GetString(tlv.Value)));
        }

        return tlvs;
    }

    [Fact]
    public void Authority_is_the_SNI_and_Alpn_the_first_protocol_offered()
    {
        List<(ProxyTlvType, string)> tlvs = SentTlvs(
            new ProxyTlvChoice { Authority = true, Alpn = true }, Direct, Inspect(ClientHelloVectors.OpenSsl), out ProxyHeader header);

        Assert.Equal([(ProxyTlvType.Authority, "www.example.com"), (ProxyTlvType.Alpn, "h2")], tlvs);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 50000), header.GetSourceEndPoint());
    }

    [Fact]
    public void Alpn_skips_GREASE_to_the_clients_real_first_choice()
    {
        List<(ProxyTlvType, string)> tlvs = SentTlvs(new ProxyTlvChoice { Alpn = true }, Direct, Inspect(ClientHelloVectors.Grease), out _);

        Assert.Equal([(ProxyTlvType.Alpn, "h2")], tlvs);
    }

    [Fact]
    public void Authority_is_the_HTTP_host_without_its_port_when_there_is_no_TLS()
    {
        InspectionResult head = Inspect(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: WWW.Example.com:8080\r\n\r\n"));

        List<(ProxyTlvType, string)> tlvs = SentTlvs(new ProxyTlvChoice { Authority = true, Alpn = true }, Direct, head, out _);

        Assert.Equal([(ProxyTlvType.Authority, "WWW.Example.com")], tlvs); // no ALPN without a ClientHello
    }

    [Fact]
    public void Authority_is_copied_whole_when_the_SNI_straddles_two_TLS_records()
    {
        byte[] records = ClientHelloBuilder.Records(ClientHelloVectors.OpenSsl[5..], [153, 40, 500]);

        List<(ProxyTlvType, string)> tlvs = SentTlvs(new ProxyTlvChoice { Authority = true }, Direct, Inspect(records), out _);

        Assert.Equal([(ProxyTlvType.Authority, "www.example.com")], tlvs);
    }

    [Fact]
    public void An_HTTP_host_longer_than_255_bytes_is_left_out_rather_than_make_HAProxy_refuse_the_header()
    {
        string host = string.Join('.', Enumerable.Repeat(new string('a', 60), 5)); // 304 bytes
        InspectionResult head = Inspect(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
        Assert.Equal(host, head.Head.Host.ToString());

        Assert.Empty(SentTlvs(new ProxyTlvChoice { Authority = true }, Direct, head, out _));
    }

    [Fact]
    public void Nothing_is_invented_when_the_first_bytes_said_nothing()
    {
        InspectionResult neither = Inspect("SSH-2.0-x\r\n"u8.ToArray());

        List<(ProxyTlvType, string)> tlvs = SentTlvs(new ProxyTlvChoice { Authority = true, Alpn = true, UniqueId = true }, Direct, neither, out _);

        Assert.Equal([(ProxyTlvType.UniqueId, Id.ToString())], tlvs);
    }

    [Fact]
    public void Unique_id_is_the_text_the_access_log_writes()
    {
        List<(ProxyTlvType, string)> tlvs = SentTlvs(new ProxyTlvChoice { UniqueId = true }, Direct, default, out _);

        Assert.Equal([(ProxyTlvType.UniqueId, "0123456789abcdef-0000000000000005")], tlvs);
    }

    [Fact]
    public void Forwarded_TLVs_come_first_and_lose_a_stale_CRC32C_and_every_type_written_here()
    {
        byte[] upstreamTlvs =
        [
            0x02, 0x00, 0x05, .. "old.a"u8,        // AUTHORITY: replaced by ours
            0xEA, 0x00, 0x03, 0x01, .. "vp"u8,     // AWS VPC endpoint: kept
            0x03, 0x00, 0x04, 0, 0, 0, 0,          // CRC32C: stale, dropped
            0xE1, 0x00, 0x01, .. "x"u8,            // custom 0xE1: replaced by the configured one
            0x30, 0x00, 0x02, .. "ns"u8,           // NETNS: kept
        ];
        ProxyHeader upstream = ProxyHeader.ForTcp(
            ProxyAddress.FromIPAddress(IPAddress.Parse("2001:db8::7")), 40000,
            ProxyAddress.FromIPAddress(IPAddress.Parse("2001:db8::1")), 443,
            new ReadOnlySequence<byte>(upstreamTlvs));

        List<(ProxyTlvType, string)> tlvs = SentTlvs(Everything, upstream, Inspect(ClientHelloVectors.SslStream), out ProxyHeader header);

        Assert.Equal(
            [
                (ProxyTlvType.Aws, "\u0001vp"),
                (ProxyTlvType.NetworkNamespace, "ns"),
                (ProxyTlvType.Authority, "ws.example.com"),
                (ProxyTlvType.Alpn, "http/1.1"),
                (ProxyTlvType.UniqueId, Id.ToString()),
                ((ProxyTlvType)0xE1, "tenant-7"),
                (ProxyTlvType.Azure, "\u0001\u0002\u0003"),
                (ProxyTlvType.Crc32C, tlvs[^1].Item2), // verified by the parser
            ],
            tlvs);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 40000), header.GetSourceEndPoint());
    }

    [Fact]
    public void Without_forwarding_the_upstreams_TLVs_stay_behind()
    {
        ProxyHeader upstream = ProxyHeader.ForTcp(
            new IPEndPoint(IPAddress.Parse("192.0.2.10"), 1), new IPEndPoint(IPAddress.Parse("192.0.2.1"), 2),
            new ReadOnlySequence<byte>([0x30, 0x00, 0x02, .. "ns"u8]));

        Assert.Empty(SentTlvs(ProxyTlvChoice.None, upstream, default, out _));
    }

    [Fact]
    public void The_TLV_bytes_alone_are_what_the_header_carries()
    {
        InspectionResult hello = Inspect(ClientHelloVectors.Minimal);
        int length = ProxyTlvComposer.GetTlvLength(Everything, Direct, hello, Id);
        byte[] tlvs = new byte[length];

        Assert.Equal(length, ProxyTlvComposer.Write(tlvs, Everything, Direct, hello, Id));
        Assert.Equal(
            3 + "example.com".Length + 3 + "h2".Length + 3 + ConnectionId.TextLength + 3 + "tenant-7".Length + 3 + 3,
            length); // no CRC32C: the codec writes it over the whole header
        Assert.Throws<ArgumentException>(() => ProxyTlvComposer.Write(new byte[length - 1], Everything, Direct, hello, Id));
    }

    [Fact]
    public void The_worst_case_is_IPv6_every_TLV_at_its_longest_and_the_CRC32C()
    {
        Assert.Equal(52, ProxyTlvComposer.MaxHeaderLength(ProxyTlvChoice.None, 4096));
        Assert.Equal(52 + 258 + 258 + 36 + 11 + 6 + 7 + 4096, ProxyTlvComposer.MaxHeaderLength(Everything, 4096));
        Assert.Equal(52 + 36 + 7, ProxyTlvComposer.MaxHeaderLength(new ProxyTlvChoice { UniqueId = true, Crc32C = true }, 4096));
    }

    [Fact]
    public void Writing_the_header_allocates_nothing()
    {
        InspectionResult hello = Inspect(ClientHelloVectors.OpenSsl);
        byte[] buffer = new byte[ProxyTlvComposer.HeaderBufferLength(Everything, 0)];
        ProxyTlvComposer.WriteHeader(buffer, Everything, Direct, hello, Id);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 100; i++)
        {
            total += ProxyTlvComposer.WriteHeader(buffer, Everything, Direct, hello, Id);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }
}
