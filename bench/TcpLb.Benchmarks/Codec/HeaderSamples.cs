using System.Net;
using System.Text;
using TcpLb.ProxyProtocol;

namespace TcpLb.Benchmarks.Codec;

/// <summary>
/// The headers both benchmark classes use: the wire bytes to parse (spelled out here, not produced by
/// the writer, so a writer bug cannot hide a parser one), where to cut them into segments, and the
/// endpoints and TLVs to write the same headers from.
/// </summary>
internal static class HeaderSamples
{
    /// <summary>47 bytes. Cuts: inside "PROXY" (3) and inside the source address (17).</summary>
    public static readonly byte[] V1Tcp4 = Encoding.ASCII.GetBytes("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");

    public static readonly int[] V1Tcp4Cuts = [3, 17];

    /// <summary>46 bytes. Cuts: inside "PROXY" (4) and inside the destination address (28).</summary>
    public static readonly byte[] V1Tcp6 = Encoding.ASCII.GetBytes("PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n");

    public static readonly int[] V1Tcp6Cuts = [4, 28];

    /// <summary>28 bytes: v2 PROXY, TCP over IPv4, no TLVs. Cuts: inside the signature (7) and the source address (18).</summary>
    public static readonly byte[] V2Inet =
    [
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, // signature
        0x21, 0x11, 0x00, 0x0C,                                                 // v2 PROXY, INET STREAM, len 12
        192, 168, 0, 1,                                                         // source 192.168.0.1
        192, 168, 0, 11,                                                        // destination 192.168.0.11
        0xDC, 0x04,                                                             // source port 56324
        0x01, 0xBB,                                                             // destination port 443
    ];

    public static readonly int[] V2InetCuts = [7, 18];

    /// <summary>
    /// 90 bytes: v2 PROXY, TCP over IPv6, ALPN + AUTHORITY + UNIQUE_ID. Three cuts (four segments):
    /// inside the signature (5), the source address (27) and the AUTHORITY value (63), so the address
    /// copy and the TLV walk both cross a segment boundary.
    /// </summary>
    public static readonly byte[] V2Inet6ThreeTlvs =
    [
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, // signature
        0x21, 0x21, 0x00, 0x4A,                                                 // v2 PROXY, INET6 STREAM, len 74
        0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,          // source 2001:db8::1
        0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,          // destination 2001:db8::2
        0xDC, 0x04,                                                             // source port 56324
        0x01, 0xBB,                                                             // destination port 443
        0x01, 0x00, 0x02, (byte)'h', (byte)'2',                                 // ALPN "h2"
        0x02, 0x00, 0x0B, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e',
        (byte)'.', (byte)'c', (byte)'o', (byte)'m',                             // AUTHORITY "example.com"
        0x05, 0x00, 0x10, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
        0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF,                         // UNIQUE_ID, 16 bytes
    ];

    public static readonly int[] V2Inet6ThreeTlvsCuts = [5, 27, 63];

    /// <summary>The sum of the three TLV value lengths above: 2 + 11 + 16.</summary>
    public const int ThreeTlvsValueLength = 29;

    public static IPEndPoint Ipv4Source => new(IPAddress.Parse("192.168.0.1"), 56324);

    public static IPEndPoint Ipv4Destination => new(IPAddress.Parse("192.168.0.11"), 443);

    public static IPEndPoint Ipv6Source => new(IPAddress.Parse("2001:db8::1"), 56324);

    public static IPEndPoint Ipv6Destination => new(IPAddress.Parse("2001:db8::2"), 443);

    /// <summary>The same three TLVs, as the writer takes them (values over arrays the caller owns).</summary>
    public static ProxyTlv[] ThreeTlvs() =>
    [
        new(ProxyTlvType.Alpn, "h2"u8.ToArray()),
        new(ProxyTlvType.Authority, "example.com"u8.ToArray()),
        new(ProxyTlvType.UniqueId, new byte[] { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF }),
    ];
}
