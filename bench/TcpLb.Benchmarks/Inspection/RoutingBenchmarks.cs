extern alias TcpLbApp;

using System.Buffers;
using System.Net;
using BenchmarkDotNet.Attributes;
using TcpLb.ProxyProtocol;
using TcpLbApp::TcpLb.Inspection;
using TcpLbApp::TcpLb.Routing;
using TcpLbApp::TcpLb.Tlvs;

namespace TcpLb.Benchmarks.Inspection;

/// <summary>
/// <see cref="RouteTable.Select"/> over the example table (four routes: an SNI, a wildcard SNI with ALPN,
/// a host with WebSocket, a client network), for a TLS, an HTTP and an unreadable connection; and the header
/// with AUTHORITY, ALPN, UNIQUE_ID and CRC32C that follows the choice. First bytes are inspected in setup: these
/// rows are what routing adds after inspection. All must allocate nothing.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class RoutingBenchmarks
{
    private static readonly ProxyAddress Client = ProxyAddress.FromIPAddress(IPAddress.Parse("10.1.2.3"));
    private static readonly ProxyAddress Outsider = ProxyAddress.FromIPAddress(IPAddress.Parse("192.0.2.9"));

    private readonly ProxyTlvChoice _tlvs = new() { Authority = true, Alpn = true, UniqueId = true, Crc32C = true };
    private readonly ProxyHeader _direct = ProxyHeader.ForTcp(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 50000), new IPEndPoint(IPAddress.Parse("10.0.0.1"), 443));
    private readonly ConnectionIdGenerator _ids = new(0x0123456789ABCDEF);
    private RouteTable _table = null!;
    private InspectionResult _hello;
    private InspectionResult _webSocket;
    private InspectionResult _neither;
    private byte[] _header = null!;

    [GlobalSetup]
    public void Setup()
    {
        _table = new RouteTable(
            [
                new Route(new RouteMatch(sni: Pattern("ws.example.com")), "ws"),
                new Route(new RouteMatch(sni: Pattern("*.example.com"), alpn: "h2"), "web"),
                new Route(new RouteMatch(host: Pattern("www.example.com"), webSocket: true), "ws"),
                new Route(new RouteMatch(source: IPNetwork.Parse("10.1.0.0/16")), "web"),
            ],
            "web");
        _hello = FirstBytesInspector.Inspect(new ReadOnlySequence<byte>(FirstBytesSamples.OpenSslHello), 16384);
        _webSocket = FirstBytesInspector.Inspect(new ReadOnlySequence<byte>(FirstBytesSamples.WebSocketHead), 16384);
        _neither = FirstBytesInspector.Inspect(new ReadOnlySequence<byte>("SSH-2.0-OpenSSH_9.2\r\n"u8.ToArray()), 16384);
        _header = new byte[ProxyTlvComposer.HeaderBufferLength(_tlvs, 0)];

        // Each row must take the route it is named for.
        Expect(_table.Select(_hello, Client), 1, "TLS www.example.com + h2");
        Expect(_table.Select(_webSocket, Client), 3, "WebSocket to ws.example.com (no host route for it): the source route");
        Expect(_table.Select(_neither, Outsider), RouteTable.DefaultRoute, "SSH from outside");
    }

    [Benchmark(Baseline = true)]
    public int Select_Tls_SecondRoute() => _table.Select(_hello, Client);

    [Benchmark]
    public int Select_WebSocket_FourthRoute() => _table.Select(_webSocket, Client);

    [Benchmark]
    public int Select_Neither_Default() => _table.Select(_neither, Outsider);

    [Benchmark]
    public int WriteHeader_AuthorityAlpnUniqueIdCrc32C() => ProxyTlvComposer.WriteHeader(_header, _tlvs, _direct, _hello, _ids.Next());

    private static HostPattern Pattern(string text) =>
        HostPattern.TryParse(text, out HostPattern? pattern, out string error) ? pattern : throw new InvalidOperationException(error);

    private static void Expect(int actual, int expected, string what)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"{what}: route {actual}, expected {expected}");
        }
    }
}
