using System.Buffers;
using System.Net;
using System.Text;
using TcpLb.Inspection;
using TcpLb.ProxyProtocol;
using TcpLb.Routing;
using TcpLb.Tests.Inspection.Support;
using Xunit;

namespace TcpLb.Tests.Routing;

/// <summary>
/// Route selection, one condition at a time, then together: every condition of a match must hold, the first
/// matching route wins, and a connection no route matches gets the default. Facts come from the readers, fed
/// real bytes.
/// </summary>
public sealed class RouteTableTests
{
    private static readonly ProxyAddress Client = ProxyAddress.FromIPAddress(IPAddress.Parse("10.1.2.3"));

    private static HostPattern Name(string text)
    {
        Assert.True(HostPattern.TryParse(text, out HostPattern? pattern, out string error), error);
        return pattern;
    }

    private static InspectionResult Inspect(byte[] bytes) => FirstBytesInspector.Inspect(new ReadOnlySequence<byte>(bytes), InspectionAssert.DefaultCap);

    private static InspectionResult Tls(string? serverName, params string[] alpn)
    {
        var hello = new ClientHelloBuilder();
        if (serverName is not null)
        {
            hello.WithServerName(serverName);
        }

        if (alpn.Length > 0)
        {
            hello.WithAlpn(alpn);
        }

        return Inspect(hello.Build());
    }

    private static InspectionResult Http(string head) => Inspect(Encoding.ASCII.GetBytes(head));

    private static string? Choose(RouteTable table, InspectionResult firstBytes, ProxyAddress? client = null) =>
        table.PoolOf(table.Select(firstBytes, client ?? Client));

    private static RouteTable Table(string? defaultPool, params (RouteMatch Match, string Pool)[] routes) =>
        new([.. routes.Select(route => new Route(route.Match, route.Pool))], defaultPool);

    [Fact]
    public void Sni_exact_and_wildcard_match_the_hellos_server_name_case_insensitively()
    {
        RouteTable table = Table("default", (new RouteMatch(sni: Name("ws.example.com")), "ws"), (new RouteMatch(sni: Name("*.example.com")), "web"));

        Assert.Equal("ws", Choose(table, Tls("ws.example.com")));
        Assert.Equal("ws", Choose(table, Tls("WS.Example.COM")));
        Assert.Equal("web", Choose(table, Tls("www.example.com")));
        Assert.Equal("web", Choose(table, Tls("a.b.example.com")));
        Assert.Equal("default", Choose(table, Tls("example.com")));
        Assert.Equal("default", Choose(table, Tls(null)));
        Assert.Equal("default", Choose(table, Http("GET / HTTP/1.1\r\nHost: ws.example.com\r\n\r\n"))); // a Host is not an SNI
    }

    [Fact]
    public void Sni_matches_the_real_hellos_captured_from_openssl_and_SslStream()
    {
        RouteTable table = Table("default", (new RouteMatch(sni: Name("ws.example.com")), "ws"), (new RouteMatch(sni: Name("*.example.com")), "web"));

        Assert.Equal("web", Choose(table, Inspect(ClientHelloVectors.OpenSsl)));
        Assert.Equal("ws", Choose(table, Inspect(ClientHelloVectors.SslStream)));
    }

    [Fact]
    public void Alpn_matches_when_any_offered_protocol_equals_it()
    {
        RouteTable table = Table("default", (new RouteMatch(alpn: "h2"), "h2-pool"));

        Assert.Equal("h2-pool", Choose(table, Tls("a.example", "http/1.1", "h2")));
        Assert.Equal("h2-pool", Choose(table, Inspect(ClientHelloVectors.Grease)));
        Assert.Equal("default", Choose(table, Tls("a.example", "http/1.1")));
        Assert.Equal("default", Choose(table, Tls("a.example", "H2")));
        Assert.Equal("default", Choose(table, Tls("a.example")));
    }

    [Theory]
    [InlineData("Host: www.example.com", "web")]
    [InlineData("Host: WWW.EXAMPLE.COM:8080", "web")]
    [InlineData("Host: www.example.com.", "web")]
    [InlineData("Host: api.example.com", "api")]
    [InlineData("Host: example.com", "default")]
    [InlineData("X-Host: www.example.com", "default")]
    public void Host_matches_the_requests_host_with_its_port_stripped_case_insensitively(string field, string pool)
    {
        RouteTable table = Table("default", (new RouteMatch(host: Name("www.example.com")), "web"), (new RouteMatch(host: Name("*.example.com")), "api"));

        Assert.Equal(pool, Choose(table, Http($"GET / HTTP/1.1\r\n{field}\r\n\r\n")));
    }

    [Fact]
    public void Websocket_matches_a_WebSocket_handshake_only()
    {
        RouteTable table = Table("web", (new RouteMatch(webSocket: true), "ws"));

        Assert.Equal("ws", Choose(table, Http("GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")));
        Assert.Equal("web", Choose(table, Http("GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n")));
        Assert.Equal("web", Choose(table, Http("GET /chat HTTP/1.1\r\nHost: a\r\n\r\n")));
        Assert.Equal("web", Choose(table, Inspect(ClientHelloVectors.Minimal)));
    }

    [Theory]
    [InlineData("10.1.2.3", "inside")]
    [InlineData("10.1.255.255", "inside")]
    [InlineData("10.2.0.1", "default")]
    [InlineData("::ffff:10.1.0.9", "inside")] // a dual-stack listener's IPv4 client
    [InlineData("2001:db8::5", "v6")]
    [InlineData("2001:db9::5", "default")]
    public void Source_matches_the_reported_client_address_in_its_network(string client, string pool)
    {
        RouteTable table = Table(
            "default",
            (new RouteMatch(source: IPNetwork.Parse("10.1.0.0/16")), "inside"),
            (new RouteMatch(source: IPNetwork.Parse("2001:db8::/32")), "v6"));

        Assert.Equal(pool, Choose(table, default, ProxyAddress.FromIPAddress(IPAddress.Parse(client))));
    }

    [Fact]
    public void Source_written_as_IPv4_mapped_IPv6_matches_IPv4_clients()
    {
        RouteTable table = Table("default", (new RouteMatch(source: IPNetwork.Parse("::ffff:10.1.0.0/112")), "inside"));

        Assert.Equal("inside", Choose(table, default, ProxyAddress.FromIPAddress(IPAddress.Parse("10.1.7.7"))));
        Assert.Equal("default", Choose(table, default, ProxyAddress.FromIPAddress(IPAddress.Parse("10.2.7.7"))));
    }

    [Fact]
    public void Every_condition_of_a_match_must_hold()
    {
        RouteTable table = Table(
            "default",
            (new RouteMatch(sni: Name("*.example.com"), alpn: "h2", source: IPNetwork.Parse("10.0.0.0/8")), "h2-inside"),
            (new RouteMatch(host: Name("www.example.com"), webSocket: true), "ws"));

        Assert.Equal("h2-inside", Choose(table, Tls("a.example.com", "h2")));
        Assert.Equal("default", Choose(table, Tls("a.example.com", "http/1.1")));
        Assert.Equal("default", Choose(table, Tls("a.example.org", "h2")));
        Assert.Equal("default", Choose(table, Tls("a.example.com", "h2"), ProxyAddress.FromIPAddress(IPAddress.Parse("192.0.2.1"))));
        Assert.Equal("ws", Choose(table, Http("GET / HTTP/1.1\r\nHost: www.example.com\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n")));
        Assert.Equal("default", Choose(table, Http("GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n")));
        Assert.Equal("default", Choose(table, Http("GET / HTTP/1.1\r\nHost: api.example.com\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n")));
    }

    [Fact]
    public void The_first_matching_route_wins()
    {
        RouteTable table = Table(
            "default",
            (new RouteMatch(sni: Name("ws.example.com")), "first"),
            (new RouteMatch(sni: Name("*.example.com")), "second"),
            (new RouteMatch(source: IPNetwork.Parse("10.0.0.0/8")), "third"));

        Assert.Equal(0, table.Select(Tls("ws.example.com"), Client));
        Assert.Equal(1, table.Select(Tls("www.example.com"), Client));
        Assert.Equal(2, table.Select(Tls("www.example.org"), Client));
        Assert.Equal(RouteTable.DefaultRoute, table.Select(Tls("www.example.org"), ProxyAddress.FromIPAddress(IPAddress.Parse("192.0.2.1"))));
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")] // neither TLS nor HTTP
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")] // invalid
    [InlineData("GET / HTTP/1.1\r\nHost: www.example")] // still waiting: the first-bytes timeout fired
    public void A_connection_whose_first_bytes_say_nothing_matches_only_routes_that_ask_nothing_of_them(string bytes)
    {
        InspectionResult firstBytes = Http(bytes);
        Assert.NotEqual(InspectionStatus.Found, firstBytes.Status);
        RouteTable table = Table(
            "default",
            (new RouteMatch(host: Name("*.example")), "named"),
            (new RouteMatch(source: IPNetwork.Parse("10.0.0.0/8")), "inside"));

        Assert.Equal("inside", Choose(table, firstBytes));
        Assert.Equal("default", Choose(table, firstBytes, ProxyAddress.FromIPAddress(IPAddress.Parse("192.0.2.1"))));
    }

    [Fact]
    public void A_catch_all_takes_what_the_routes_before_it_did_not()
    {
        RouteTable table = Table(null, (new RouteMatch(sni: Name("ws.example.com")), "ws"), (RouteMatch.Everything, "rest"));

        Assert.Equal("rest", Choose(table, Tls("www.example.com")));
        Assert.Equal("rest", Choose(table, Http("GET / HTTP/1.1\r\n\r\n")));
    }

    [Fact]
    public void A_table_of_source_routes_needs_no_first_bytes()
    {
        Assert.False(Table("d", (new RouteMatch(source: IPNetwork.Parse("10.0.0.0/8")), "p")).NeedsFirstBytes);
        Assert.True(Table("d", (new RouteMatch(source: IPNetwork.Parse("10.0.0.0/8")), "p"), (new RouteMatch(alpn: "h2"), "q")).NeedsFirstBytes);
    }

    [Fact]
    public void Inspecting_and_selecting_allocate_nothing()
    {
        RouteTable table = Table(
            "default",
            (new RouteMatch(sni: Name("ws.example.com"), alpn: "h2"), "ws"),
            (new RouteMatch(host: Name("*.example.com"), webSocket: true), "web"),
            (new RouteMatch(source: IPNetwork.Parse("10.0.0.0/8")), "inside"));
        var hello = new ReadOnlySequence<byte>(ClientHelloVectors.OpenSsl);
        var head = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: www.example.com\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"));
        int chosen = 0;
        for (int warmUp = 0; warmUp < 2; warmUp++)
        {
            chosen += table.Select(FirstBytesInspector.Inspect(hello, 16384), Client) + table.Select(FirstBytesInspector.Inspect(head, 16384), Client);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            chosen += table.Select(FirstBytesInspector.Inspect(hello, 16384), Client) + table.Select(FirstBytesInspector.Inspect(head, 16384), Client);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(102 * (2 + 1), chosen); // hello: inside (2, its SNI is www); head: web (1)
    }
}
