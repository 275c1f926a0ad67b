using System.Net;
using TcpLb.Configuration;
using TcpLb.Configuration.File;
using Xunit;

namespace TcpLb.UnitTests.Configuration;

/// <summary>
/// Named pools, routes and TLVs in the config file (issue 13): the issue's own shape reads as written, and each mistake
/// is one line naming its path and why, from the settings or from the compiled routes, all of them at once.
/// </summary>
public sealed class RouteConfigTests
{
    // The issue's example, with the keys it leaves out (a listener's backends are optional now).
    private const string IssueExample = """
        pools:
          ws:  {backends: ["10.0.0.11:80"], balance: least-connections, timeouts: {clientIdle: 1h}}
          web: {backends: ["10.0.0.12:80", "10.0.0.13:80"], balance: round-robin}
        listeners:
          - listen: ["*:443"]
            sendProxy: v2
            proxyTlvs: [authority, alpn, unique-id]     # also: crc32c, and {type: 0xE1, value: "..."}
            routes:
              - {match: {sni: "ws.example.com"}, pool: ws}
              - {match: {sni: "*.example.com", alpn: h2}, pool: web}
              - {match: {host: "www.example.com", websocket: true}, pool: ws}
              - {match: {source: "10.1.0.0/16"}, pool: web}
            defaultPool: web
        """;

    private const string Pools = "pools:\n  ws: {backends: [\"10.0.0.11:80\"]}\n  web: {backends: [\"10.0.0.12:80\"]}\n";
    private const string Listener = "listeners:\n  - listen: \"127.0.0.1:8443\"\n";

    [Fact]
    public void The_issues_example_reads_as_written()
    {
        ConfigLoadResult loaded = ConfigText.Load(IssueExample);

        Assert.Empty(loaded.Problems);
        TcpLbOptions options = loaded.Options!;
        PoolOptions ws = options.Pools.Single(pool => pool.Name == "ws");
        PoolOptions web = options.Pools.Single(pool => pool.Name == "web");
        Assert.Equal([IPEndPoint.Parse("10.0.0.11:80")], ws.Backends.Select(backend => backend.Address));
        Assert.Equal(TimeSpan.FromHours(1), ws.Timeouts.ClientIdle);
        Assert.Null(ws.Timeouts.Connect); // the listener's
        Assert.Equal(BalancingPolicyNames.RoundRobin, web.Balance);
        Assert.Equal(2, web.Backends.Count);

        ListenerOptions listener = Assert.Single(options.Listeners);
        Assert.False(listener.HasOwnPool);
        Assert.Equal("web", listener.DefaultPool);
        Assert.Equal([ProxyTlvKind.Authority, ProxyTlvKind.Alpn, ProxyTlvKind.UniqueId], listener.ProxyTlvs.Select(tlv => tlv.Kind));
        Assert.Equal(
            [
                "{sni: ws.example.com} -> ws",
                "{sni: *.example.com, alpn: h2} -> web",
                "{host: www.example.com, websocket: true} -> ws",
                "{source: 10.1.0.0/16} -> web",
            ],
            listener.Routes.Select(route => route.ToString()));
        Assert.Equal(ListenerOptions.DefaultInspectBytes, listener.InspectBytes);
    }

    [Theory]
    [InlineData(Pools + Listener + "    routes: [{match: {sni: a.example.com}, pool: wbe}]\n    defaultPool: web",
        "listeners[0].routes[0].pool: unknown pool 'wbe'; did you mean web?")]
    [InlineData(Pools + Listener + "    routes: [{match: {sni: a.example.com}, pool: wss}]\n    defaultPool: web",
        "listeners[0].routes[0].pool: unknown pool 'wss'; did you mean ws?")] // the nearest pool (one edit), not the first within two (web)
    [InlineData(Pools + Listener + "    routes: [{match: {sni: a.example.com}, pool: ws}, {match: {sni: A.example.com}, pool: web}]\n    defaultPool: web",
        "listeners[0].routes[1].match: the same match as routes[0]; routes[1] is never chosen")]
    [InlineData(Pools + Listener + "    routes: [{match: {}, pool: ws}, {match: {host: a.example.com}, pool: web}]",
        "listeners[0].routes[1]: never chosen: routes[0] before it has an empty match and takes every connection")]
    [InlineData(Pools + Listener + "    routes: [{match: {sni: \"*.example.com\"}, pool: ws}, {match: {sni: a.example.com}, pool: web}]\n    defaultPool: web",
        "listeners[0].routes[1].match: never chosen: routes[0] {sni: *.example.com} before it matches every connection {sni: a.example.com} does")]
    [InlineData(Pools + Listener + "    routes: [{match: {sni: a.example.com}, pool: ws}]",
        "listeners[0].defaultPool: missing: connections no route matches would have nowhere to go; name a pool, or end the routes with an empty match")]
    [InlineData(Pools + Listener + "    routes: [{match: {sni: \"ws.*.com\"}, pool: ws}]\n    defaultPool: web",
        "listeners[0].routes[0].match.sni: 'ws.*.com': a wildcard is a leading '*.' only (*.example.com, one or more labels)")]
    [InlineData(Pools + Listener + "    routes: [{match: {host: \"www.example.com:80\"}, pool: ws}]\n    defaultPool: web",
        "listeners[0].routes[0].match.host: 'www.example.com:80': a name has no port (the port is not compared)")]
    [InlineData(Pools + Listener + "    routes: [{match: {websocket: false}, pool: ws}]\n    defaultPool: web",
        "listeners[0].routes[0].match.websocket: false is not supported: a route cannot ask for the absence of an upgrade; leave websocket out, and put the route with websocket: true first")]
    [InlineData(Pools + Listener + "    routes: [{match: {sni: a.example.com, host: a.example.com}, pool: ws}]\n    defaultPool: web",
        "listeners[0].routes[0].match: {sni: a.example.com, host: a.example.com} never matches: sni and alpn need TLS, host and websocket plain HTTP, and a connection is one or the other")]
    [InlineData(Pools + Listener + "    routes: [{match: {sni: a.example.com}}]\n    defaultPool: web",
        "listeners[0].routes[0].pool: missing; name the pool this route sends to (a key of pools)")]
    [InlineData(Pools + Listener + "    defaultPool: webb",
        "listeners[0].defaultPool: unknown pool 'webb'; did you mean web?")]
    [InlineData(Listener + "    defaultPool: ws",
        "listeners[0].defaultPool: unknown pool 'ws': no pool is defined (pools: at the file's root)")]
    [InlineData(Pools + Listener + "    backends: [\"10.0.0.5:80\"]\n    defaultPool: web",
        "listeners[0].defaultPool: never used: the listener's own backends take the connections no route takes; remove one or the other")]
    [InlineData(Pools + Listener + "    backends: [\"10.0.0.5:80\"]\n    routes: [{match: {sni: a.example.com}, pool: ws}, {pool: web}]",
        "listeners[0].backends: never used: routes[1] has an empty match and takes every connection")]
    [InlineData(Pools + Listener + "    balance: round-robin\n    defaultPool: web",
        "listeners[0].balance: applies to the listener's own backends, and it has none; set it on the pool it sends to (pools.NAME)")]
    [InlineData(Pools + Listener + "    sendProxy: v1\n    proxyTlvs: [authority]\n    defaultPool: web",
        "listeners[0].proxyTlvs: TLVs are sent in PROXY v2 headers only, and sendProxy is v1; use v2")]
    [InlineData(Pools + Listener + "    routes: [{match: {source: 10.0.0.0/8}, pool: ws, proxyTlvs: [unique-id]}]\n    defaultPool: web",
        "listeners[0].routes[0].proxyTlvs: TLVs are sent in PROXY v2 headers only, and sendProxy is off; use v2")]
    [InlineData(Pools + Listener + "    sendProxy: v2\n    proxyTlvs: [{type: 0x05, value: x}]\n    defaultPool: web",
        "listeners[0].proxyTlvs[0].type: '0x05' is not a custom type; custom TLVs take 0xE0-0xEF (the others are registered, experimental or reserved)")]
    [InlineData(Pools + Listener + "    sendProxy: v2\n    proxyTlvs: [0xE1=a, {type: 0xe1, value: b}]\n    defaultPool: web",
        "listeners[0].proxyTlvs[1]: 0xE1 is given twice")]
    [InlineData(Pools + Listener + "    sendProxy: v2\n    proxyTlvs: [authority, sni]\n    defaultPool: web",
        "listeners[0].proxyTlvs[1]: 'sni' is not one of authority, alpn, unique-id, crc32c, or a custom TLV (0xE1=TEXT, or {type: 0xE1, value: TEXT})")]
    [InlineData(Pools + Listener + "    connect: on-accept\n    routes: [{match: {sni: a.example.com}, pool: ws}]\n    defaultPool: web",
        "listeners[0].routes[0].match: {sni: a.example.com} reads the client's first bytes, but connect on-accept dials before they come; use on-first-bytes")]
    [InlineData(Pools + Listener + "    inspectBytes: 65537\n    defaultPool: web",
        "listeners[0].inspectBytes: '65537' is not 1..65536")]
    [InlineData("pools:\n  ws: {balance: round-robin}\n" + Listener + "    defaultPool: ws",
        "pools.ws.backends: no backend: give backends or dns")]
    [InlineData("pools:\n  \"w s\": {backends: [\"10.0.0.11:80\"]}\n" + Listener + "    defaultPool: \"w s\"",
        "pools.w s: 'w s' is not a pool name: letters, digits, '.', '-' and '_', from a letter or digit, at most 64")]
    [InlineData("pools:\n  - {backends: [\"10.0.0.11:80\"]}\n" + Listener + "    backends: [\"10.0.0.5:80\"]",
        "pools: expected settings by name (name: {...} per line), not a list")]
    [InlineData("pools:\n  ws: {backends: [\"10.0.0.11:80\"], timeouts: {clientIdle: 5}}\n" + Listener + "    defaultPool: ws",
        "pools.ws.timeouts.clientIdle: '5' needs a unit: ms, s, m, h or d")]
    [InlineData("pools:\n  ws: {backends: [\"10.0.0.11:80\"], timeouts: {firstBytes: 5s}}\n" + Listener + "    defaultPool: ws",
        "pools.ws.timeouts.firstBytes: unknown setting; known here: connect, clientIdle, backendIdle, halfClosed")]
    public void One_mistake_gives_one_line_naming_its_path_and_why(string file, string expected)
    {
        ConfigLoadResult loaded = ConfigText.Load(file);

        Assert.Null(loaded.Options);
        Assert.Equal([expected], loaded.Problems);
    }

    [Fact]
    public void A_header_that_could_outgrow_the_routers_names_the_route()
    {
        // nginx 1.22 with "ssl proxy_protocol" reads 108 bytes: AUTHORITY (up to 255) cannot fit, whatever the SNI.
        const string file = "pools:\n  tls: {backends: [\"10.0.0.11:443\"], maxHeaderLength: 108}\n  web: {backends: [\"10.0.0.12:80\"]}\n"
            + Listener + "    sendProxy: v2\n    proxyTlvs: [authority]\n    routes:\n      - {match: {sni: a.example.com}, pool: tls}\n      - {match: {sni: b.example.com}, pool: tls, proxyTlvs: []}\n    defaultPool: web";

        ConfigLoadResult loaded = ConfigText.Load(file);

        string problem = Assert.Single(loaded.Problems);
        Assert.StartsWith("listeners[0].routes[0]: the PROXY v2 header could reach 310 bytes (IPv6 addresses, every TLV at its longest), past the 108 of pools.tls.maxHeaderLength; ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Health_checks_of_a_pool_whose_listeners_send_different_headers_must_say_which_they_send()
    {
        const string file = "pools:\n  web: {backends: [\"10.0.0.12:80\"], healthCheck: {kind: tcp}}\n"
            + "listeners:\n  - {listen: \"127.0.0.1:8443\", sendProxy: v2, defaultPool: web}\n  - {listen: \"127.0.0.1:8080\", sendProxy: v1, defaultPool: web}\n";

        ConfigLoadResult refused = ConfigText.Load(file);
        ConfigLoadResult said = ConfigText.Load(file.Replace("{kind: tcp}", "{kind: tcp, sendProxy: v1}", StringComparison.Ordinal));

        Assert.Equal(["pools.web.healthCheck.sendProxy: its listeners send different PROXY headers (listeners[0] sends v2, listeners[1] sends v1); say which one its checks send"], refused.Problems);
        Assert.Empty(said.Problems);
    }

    [Fact]
    public void Mistakes_in_settings_and_in_routes_are_all_reported_at_once()
    {
        const string file = Pools + Listener + "    sendProxy: v3\n    routes:\n      - {match: {sni: \"*\"}, pool: ws}\n      - {match: {alpn: h2}, pool: wb}\n    defaultPool: web";

        ConfigLoadResult loaded = ConfigText.Load(file);

        Assert.Equal(
            [
                "listeners[0].sendProxy: 'v3' is not one of v1, v2, off",
                "listeners[0].routes[0].match.sni: '*': a wildcard is a leading '*.' only (*.example.com, one or more labels)",
                "listeners[0].routes[1].pool: unknown pool 'wb'; did you mean web?",
            ],
            loaded.Problems);
    }

    [Fact]
    public void A_reload_says_which_pools_and_routes_changed()
    {
        TcpLbOptions before = ConfigText.Load(IssueExample).Options!;
        TcpLbOptions after = ConfigText.Load(IssueExample
            .Replace("balance: round-robin", "balance: random", StringComparison.Ordinal)
            .Replace("ws:  {", "wss: {", StringComparison.Ordinal)
            .Replace("pool: ws}", "pool: wss}", StringComparison.Ordinal)).Options!;

        string[] changes = [.. TcpLbOptions.Settings.Changes(before, after).Select(change => change.ToString())];
        string[] listener = [.. ListenerOptions.Settings.Changes(before.Listeners[0], after.Listeners[0]).Select(change => change.ToString())];

        Assert.Equal(["+pool wss", "-pool ws (draining)", "pool web balance round-robin -> random"], changes);
        Assert.Equal(
            ["routes [{sni: ws.example.com} -> ws, {sni: *.example.com, alpn: h2} -> web, {host: www.example.com, websocket: true} -> ws, {source: 10.1.0.0/16} -> web] "
                + "-> [{sni: ws.example.com} -> wss, {sni: *.example.com, alpn: h2} -> web, {host: www.example.com, websocket: true} -> wss, {source: 10.1.0.0/16} -> web]"],
            listener);
    }
}
