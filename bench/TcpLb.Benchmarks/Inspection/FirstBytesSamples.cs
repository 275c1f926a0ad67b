using System.Text;

namespace TcpLb.Benchmarks.Inspection;

/// <summary>
/// The first bytes the inspection benchmarks read: a real ClientHello and two request heads, with where to cut
/// them into segments (as a pipe holds bytes that arrived in separate reads into separate buffers).
/// </summary>
internal static class FirstBytesSamples
{
    /// <summary>
    /// 339 bytes: <c>openssl s_client -servername www.example.com -alpn h2,http/1.1</c> (OpenSSL 3.0), captured on
    /// loopback; annotated field by field in tests/TcpLb.Tests/Inspection/Support/ClientHelloVectors.cs.
    /// </summary>
    public static readonly byte[] OpenSslHello = Convert.FromHexString(
        "160301014E0100014A03032EE7EC13BF19D34871A3E9D155539ABEDE1549E79A0425E3F0EF71DCED48B63920706914B9" +
        "3737A2C4C4BAA4071A002D44CE6A8E6DD8C84EA01255224F16E34C0B003E130213031301C02CC030009FCCA9CCA8CCAA" +
        "C02BC02F009EC024C028006BC023C0270067C00AC0140039C009C0130033009D009C003D003C0035002F00FF010000C3" +
        "00000014001200000F7777772E6578616D706C652E636F6D000B000403000102000A00160014001D0017001E00190018" +
        "01000101010201030104002300000010000E000C02683208687474702F312E310016000000170000000D002A00280403" +
        "05030603080708080809080A080B080408050806040105010601030303010302040205020602002B0009080304030303" +
        "020301002D00020101003300260024001D0020E5D941C8D4CA2BCEA06842E509EB450A180D6C57E0751F1674A532DAAA" +
        "487E3D");

    /// <summary>Cuts: inside the record header (3), inside the cipher suites (100), inside the SNI (158), so the reader copies.</summary>
    public static readonly int[] OpenSslHelloCuts = [3, 100, 158];

    /// <summary>A browser's request for a page: 9 fields, 430-odd bytes.</summary>
    public static readonly byte[] BrowserHead = Encoding.ASCII.GetBytes(
        "GET /articles/2026/inspection?page=2 HTTP/1.1\r\n" +
        "Host: www.example.com\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
        "Accept-Language: en-US,en;q=0.5\r\n" +
        "Accept-Encoding: gzip, deflate, br, zstd\r\n" +
        "Connection: keep-alive\r\n" +
        "Cookie: session=6f1c2a9e0b7d4e3f8a5c; theme=dark\r\n" +
        "Upgrade-Insecure-Requests: 1\r\n" +
        "Priority: u=0, i\r\n" +
        "\r\n");

    /// <summary>Cuts: inside the target (20), the User-Agent (150), the cookie (350).</summary>
    public static readonly int[] BrowserHeadCuts = [20, 150, 350];

    /// <summary>A WebSocket opening handshake, 200-odd bytes.</summary>
    public static readonly byte[] WebSocketHead = Encoding.ASCII.GetBytes(
        "GET /chat HTTP/1.1\r\n" +
        "Host: ws.example.com\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "Origin: https://www.example.com\r\n" +
        "\r\n");
}
