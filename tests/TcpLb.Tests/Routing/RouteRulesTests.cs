using System.Net;
using TcpLb.Routing;
using TcpLb.Tlvs;
using Xunit;

namespace TcpLb.Tests.Routing;

/// <summary>The routing rules a config must meet, one per test, each problem with its path and a message that says what to do.</summary>
public sealed class RouteRulesTests
{
    private static readonly string[] Pools = ["ws", "web", "api"];

    private static HostPattern Name(string text)
    {
        Assert.True(HostPattern.TryParse(text, out HostPattern? pattern, out string error), error);
        return pattern;
    }

    private static List<RoutingProblem> Check(string? defaultPool, params Route[] routes) =>
        [.. RouteRules.Check(routes, defaultPool, Pools, name => name == "wss" ? "ws" : null)];

    [Fact]
    public void The_issues_example_is_valid()
    {
        List<RoutingProblem> problems = Check(
            "web",
            new Route(new RouteMatch(sni: Name("ws.example.com")), "ws"),
            new Route(new RouteMatch(sni: Name("*.example.com"), alpn: "h2"), "web"),
            new Route(new RouteMatch(host: Name("www.example.com"), webSocket: true), "ws"),
            new Route(new RouteMatch(source: IPNetwork.Parse("10.1.0.0/16")), "web"));

        Assert.Empty(problems);
    }

    [Fact]
    public void A_route_naming_an_unknown_pool_is_refused_with_a_suggestion()
    {
        RoutingProblem problem = Assert.Single(Check("web", new Route(new RouteMatch(sni: Name("a.example")), "wss")));

        Assert.Equal("routes[0].pool", problem.Path);
        Assert.Equal("unknown pool 'wss'; did you mean ws?", problem.Message);
    }

    [Fact]
    public void Without_a_suggestion_the_message_lists_the_pools()
    {
        RoutingProblem problem = Assert.Single(RouteRules.Check([new Route(RouteMatch.Everything, "nope")], null, Pools));

        Assert.Equal("unknown pool 'nope'; the pools are api, web, ws", problem.Message);
    }

    [Fact]
    public void An_unknown_default_pool_is_refused()
    {
        RoutingProblem problem = Assert.Single(Check("wss", new Route(new RouteMatch(alpn: "h2"), "web")));

        Assert.Equal(("defaultPool", "unknown pool 'wss'; did you mean ws?"), (problem.Path, problem.Message));
    }

    [Fact]
    public void Two_identical_matches_are_refused_on_the_second()
    {
        RoutingProblem problem = Assert.Single(Check(
            "web",
            new Route(new RouteMatch(sni: Name("WS.example.com")), "ws"),
            new Route(new RouteMatch(alpn: "h2"), "api"),
            new Route(new RouteMatch(sni: Name("ws.example.com.")), "web")));

        Assert.Equal("routes[2].match", problem.Path);
        Assert.Equal("the same match as routes[0]; routes[2] is never chosen", problem.Message);
    }

    [Fact]
    public void A_route_after_a_catch_all_is_refused()
    {
        List<RoutingProblem> problems = Check(
            null,
            new Route(new RouteMatch(sni: Name("ws.example.com")), "ws"),
            new Route(RouteMatch.Everything, "web"),
            new Route(new RouteMatch(host: Name("api.example.com")), "api"));

        RoutingProblem problem = Assert.Single(problems);
        Assert.Equal(("routes[2]", "never chosen: routes[1] before it has an empty match and takes every connection"), (problem.Path, problem.Message));
    }

    [Theory]
    [InlineData("*.example.com", "www.example.com")]
    [InlineData("*.example.com", "*.api.example.com")]
    public void A_route_a_wider_earlier_route_leaves_nothing_is_refused(string wider, string narrower)
    {
        RoutingProblem problem = Assert.Single(Check(
            "web",
            new Route(new RouteMatch(sni: Name(wider)), "web"),
            new Route(new RouteMatch(sni: Name(narrower), alpn: "h2"), "api")));

        Assert.Equal("routes[1].match", problem.Path);
        Assert.StartsWith($"never chosen: routes[0] {{sni: {wider}}} before it matches every connection", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_narrower_route_before_a_wider_one_is_fine()
    {
        Assert.Empty(Check(
            "web",
            new Route(new RouteMatch(sni: Name("www.example.com"), alpn: "h2"), "api"),
            new Route(new RouteMatch(sni: Name("*.example.com")), "web"),
            new Route(new RouteMatch(source: IPNetwork.Parse("10.1.0.0/16")), "api"),
            new Route(new RouteMatch(source: IPNetwork.Parse("10.0.0.0/8")), "ws"),
            new Route(new RouteMatch(webSocket: true), "ws"),
            new Route(new RouteMatch(host: Name("ws.example.com")), "ws")));
    }

    [Fact]
    public void A_narrower_network_after_a_wider_one_is_refused()
    {
        RoutingProblem problem = Assert.Single(Check(
            "web",
            new Route(new RouteMatch(source: IPNetwork.Parse("10.0.0.0/8")), "ws"),
            new Route(new RouteMatch(source: IPNetwork.Parse("10.1.0.0/16"), alpn: "h2"), "api")));

        Assert.Equal("routes[1].match", problem.Path);
    }

    [Theory]
    [InlineData("sni", "host")]
    [InlineData("alpn", "websocket")]
    [InlineData("sni", "websocket")]
    [InlineData("alpn", "host")]
    public void A_match_asking_for_TLS_and_HTTP_together_is_refused(string tls, string http)
    {
        var match = new RouteMatch(
            sni: tls == "sni" ? Name("a.example") : null,
            alpn: tls == "alpn" ? "h2" : null,
            host: http == "host" ? Name("a.example") : null,
            webSocket: http == "websocket");

        RoutingProblem problem = Assert.Single(Check("web", new Route(match, "ws")));

        Assert.Equal("routes[0].match", problem.Path);
        Assert.EndsWith("never matches: sni and alpn need TLS, host and websocket plain HTTP, and a connection is one or the other", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_default_pool_is_needed_when_no_route_takes_every_connection()
    {
        RoutingProblem problem = Assert.Single(Check(null, new Route(new RouteMatch(alpn: "h2"), "web")));

        Assert.Equal("defaultPool", problem.Path);
        Assert.StartsWith("missing: connections no route matches would have nowhere to go", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_default_pool_beside_a_catch_all_is_refused_as_never_used()
    {
        RoutingProblem problem = Assert.Single(Check("web", new Route(new RouteMatch(alpn: "h2"), "api"), new Route(RouteMatch.Everything, "ws")));

        Assert.Equal(("defaultPool", "never used: routes[1] has an empty match and takes every connection"), (problem.Path, problem.Message));
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        List<RoutingProblem> problems = Check(
            null,
            new Route(new RouteMatch(alpn: "h2"), "nope"),
            new Route(new RouteMatch(alpn: "h2"), "web"),
            new Route(new RouteMatch(sni: Name("a.b"), host: Name("a.b")), "wss"));

        Assert.Equal(
            ["routes[0].pool", "routes[1].match", "routes[2].pool", "routes[2].match", "defaultPool"],
            problems.Select(problem => problem.Path));
    }

    [Fact]
    public void Custom_TLVs_must_be_of_the_custom_range_and_given_once()
    {
        var choice = new ProxyTlvChoice
        {
            Custom = [new CustomTlv(0xE1, "a"u8.ToArray()), new CustomTlv(0xF1, "b"u8.ToArray()), new CustomTlv(0xE1, "c"u8.ToArray()), new CustomTlv(0x02, "d"u8.ToArray())],
        };

        List<RoutingProblem> problems = [.. RouteRules.CheckTlvs("proxyTlvs", choice)];

        Assert.Equal(
            [
                "proxyTlvs: type 0xF1 is not a custom type; custom TLVs take 0xE0-0xEF (the others are registered, experimental or reserved)",
                "proxyTlvs: custom TLV 0xE1 is given twice; a receiver would keep one of them",
                "proxyTlvs: type 0x02 is not a custom type; custom TLVs take 0xE0-0xEF (the others are registered, experimental or reserved)",
            ],
            problems.Select(problem => problem.ToString()));
    }

    [Fact]
    public void A_routes_own_TLVs_are_checked_under_its_path()
    {
        var tlvs = new ProxyTlvChoice { Custom = [new CustomTlv(0x30, "x"u8.ToArray())] };

        RoutingProblem problem = Assert.Single(Check("web", new Route(new RouteMatch(alpn: "h2"), "ws", tlvs)));

        Assert.Equal("routes[0].proxyTlvs", problem.Path);
    }

    [Fact]
    public void A_header_that_could_exceed_the_routers_limit_is_refused_naming_the_limit()
    {
        var choice = new ProxyTlvChoice { Authority = true, UniqueId = true };

        // 16 + 36 + (3 + 255) + (3 + 33) = 346
        RoutingProblem problem = Assert.Single(RouteRules.CheckHeaderLength("routes[1].proxyTlvs", choice, 0, RouterHeaderLimits.NginxHttps, "pools.web.maxHeaderLength"));
        Assert.Equal("routes[1].proxyTlvs", problem.Path);
        Assert.StartsWith("the PROXY v2 header could reach 346 bytes (IPv6 addresses, every TLV at its longest), past the 108 of pools.web.maxHeaderLength", problem.Message, StringComparison.Ordinal);

        Assert.Empty(RouteRules.CheckHeaderLength("proxyTlvs", choice, 0, 346, "maxHeaderLength"));
        Assert.Empty(RouteRules.CheckHeaderLength("proxyTlvs", new ProxyTlvChoice { UniqueId = true, Crc32C = true }, 0, RouterHeaderLimits.NginxStream, "maxHeaderLength"));
    }
}
