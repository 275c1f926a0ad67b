using TcpLb.Tlvs;

namespace TcpLb.Routing;

/// <summary>
/// The rules a listener's routes and TLV choices must meet, as pure functions the config reader calls with what
/// it read; every problem is reported, not just the first, each with its path relative to the listener.
/// </summary>
/// <remarks>
/// <para>
/// A route that can never be chosen is an error, not a warning: it is always a mistake, and silently dead
/// routes are how a hot reload sends traffic somewhere unexpected. Never chosen means: its match contradicts
/// itself (TLS and HTTP conditions together), or an earlier route matches everything it matches (the same
/// match, a catch-all, or a wider one: <c>*.example.com</c> before <c>www.example.com</c>).
/// </para>
/// <para>
/// <c>defaultPool</c> must be given unless the routes end with a catch-all (<c>match: {}</c>), and must not be
/// given when they do: there must be exactly one place for the connections no other route takes. For a listener
/// with its own <c>backends</c> (the implicit pool), the reader passes that pool's name as the default when the
/// file gives none and the routes have no catch-all.
/// </para>
/// </remarks>
internal static class RouteRules
{
    /// <summary>
    /// The default to pass for a listener with backends of its own (the implicit pool): it takes the connections no route
    /// takes, and a route cannot name it. Put it in the pools given too; messages never list it as a pool.
    /// </summary>
    public const string OwnBackends = "(its own backends)";

    /// <summary>
    /// Checks <paramref name="routes"/> and <paramref name="defaultPool"/> against the pools that exist.
    /// <paramref name="suggestPool"/> may name the pool an unknown one was probably meant to be (the config
    /// reader's "did you mean", by edit distance); null when it has no suggestion.
    /// </summary>
    public static IEnumerable<RoutingProblem> Check(
        IReadOnlyList<Route> routes, string? defaultPool, IReadOnlyCollection<string> pools, Func<string, string?>? suggestPool = null)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(pools);
        int catchAll = -1;
        for (int i = 0; i < routes.Count; i++)
        {
            Route route = routes[i];
            if (!pools.Contains(route.Pool))
            {
                yield return new($"routes[{i}].pool", UnknownPool(route.Pool, pools, suggestPool));
            }

            if (route.Match.NeedsTls && route.Match.NeedsHttp)
            {
                yield return new(
                    $"routes[{i}].match",
                    $"{route.Match} never matches: sni and alpn need TLS, host and websocket plain HTTP, and a connection is one or the other");
            }
            else if (catchAll >= 0)
            {
                yield return new($"routes[{i}]", $"never chosen: routes[{catchAll}] before it has an empty match and takes every connection");
            }
            else if (FirstCovering(routes, i) is >= 0 and var earlier)
            {
                yield return new(
                    $"routes[{i}].match",
                    routes[earlier].Match.Equals(route.Match)
                        ? $"the same match as routes[{earlier}]; routes[{i}] is never chosen"
                        : $"never chosen: routes[{earlier}] {routes[earlier].Match} before it matches every connection {route.Match} does");
            }

            if (route.Match.IsCatchAll && catchAll < 0)
            {
                catchAll = i;
            }

            if (route.Tlvs is not null)
            {
                foreach (RoutingProblem problem in CheckTlvs($"routes[{i}].proxyTlvs", route.Tlvs))
                {
                    yield return problem;
                }
            }
        }

        if (defaultPool is null && catchAll < 0)
        {
            yield return new(
                "defaultPool",
                "missing: connections no route matches would have nowhere to go; name a pool, or end the routes with an empty match");
        }
        else if (defaultPool is not null && catchAll >= 0)
        {
            yield return new("defaultPool", $"never used: routes[{catchAll}] has an empty match and takes every connection");
        }
        else if (defaultPool is not null && !pools.Contains(defaultPool))
        {
            yield return new("defaultPool", UnknownPool(defaultPool, pools, suggestPool));
        }
    }

    /// <summary>The custom TLVs of a choice: types in 0xE0-0xEF, each type once.</summary>
    public static IEnumerable<RoutingProblem> CheckTlvs(string path, ProxyTlvChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var seen = new HashSet<byte>();
        foreach (CustomTlv custom in choice.Custom)
        {
            if (!CustomTlv.IsCustomType(custom.Type))
            {
                yield return new(path, $"type 0x{custom.Type:X2} is not a custom type; custom TLVs take 0xE0-0xEF (the others are registered, experimental or reserved)");
            }
            else if (!seen.Add(custom.Type))
            {
                yield return new(path, $"custom TLV 0x{custom.Type:X2} is given twice; a receiver would keep one of them");
            }
        }
    }

    /// <summary>
    /// The longest header <paramref name="choice"/> can produce (<see cref="ProxyTlvComposer.MaxHeaderLength"/>)
    /// against what the pool's routers accept; <paramref name="limitName"/> names that setting in the message.
    /// </summary>
    public static IEnumerable<RoutingProblem> CheckHeaderLength(string path, ProxyTlvChoice choice, int forwardedTlvBound, int routerLimit, string limitName)
    {
        int longest = ProxyTlvComposer.MaxHeaderLength(choice, forwardedTlvBound);
        if (longest > routerLimit)
        {
            yield return new(
                path,
                $"the PROXY v2 header could reach {longest} bytes (IPv6 addresses, every TLV at its longest), past the {routerLimit} of {limitName}; "
                + $"drop TLVs or raise {limitName} if the routers take more (nginx 1.22 stream: {RouterHeaderLimits.NginxStream}, "
                + $"https: {RouterHeaderLimits.NginxHttps}; HAProxy 2.6: {RouterHeaderLimits.Haproxy})");
        }
    }

    // The first route before `index` whose match leaves route `index` nothing, or -1.
    private static int FirstCovering(IReadOnlyList<Route> routes, int index)
    {
        for (int earlier = 0; earlier < index; earlier++)
        {
            RouteMatch match = routes[earlier].Match;
            if (!(match.NeedsTls && match.NeedsHttp) && match.Covers(routes[index].Match))
            {
                return earlier;
            }
        }

        return -1;
    }

    private static string UnknownPool(string name, IReadOnlyCollection<string> pools, Func<string, string?>? suggestPool) =>
        suggestPool?.Invoke(name) is { } suggestion
            ? $"unknown pool '{name}'; did you mean {suggestion}?"
            : !pools.Any(pool => pool != OwnBackends)
                ? $"unknown pool '{name}': no pool is defined (pools: at the file's root)"
                : $"unknown pool '{name}'; the pools are {string.Join(", ", pools.Where(pool => pool != OwnBackends).Order(StringComparer.Ordinal))}";
}
