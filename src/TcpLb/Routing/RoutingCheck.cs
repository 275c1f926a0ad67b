using TcpLb.Configuration;
using TcpLb.Configuration.Settings;
using TcpLb.Tlvs;

namespace TcpLb.Routing;

/// <summary>
/// The check of a whole configuration that needs its routes compiled: names that are host patterns, routes that name
/// pools that exist and can each be chosen, one place for the connections no route takes, and headers that fit the
/// routers of each route's pool. The config reader runs it after the settings (<c>ConfigFile.Load(..., check:)</c>),
/// <c>tcplb run</c> on its flags; every problem is reported with its path.
/// </summary>
internal static class RoutingCheck
{
    /// <summary>The TCP4 address block, the smallest a forwarded header describing a client has (rule 24 keeps only those).</summary>
    private const int SmallestAddressBlock = 12;

    /// <summary>
    /// Every listener's routes against the named pools, paths from the file's root (<c>listeners[0].routes[2].pool</c>);
    /// a route the reader found wrong (<paramref name="alreadyWrong"/>) is judged as one that covers nothing.
    /// </summary>
    public static IEnumerable<SettingProblem> Check(TcpLbOptions options, Func<string, bool> alreadyWrong)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(alreadyWrong);
        for (int l = 0; l < options.Listeners.Count; l++)
        {
            string listener = $"listeners[{l}]";
            foreach (RoutingProblem problem in Check(options.Listeners[l], options.Pools, ListenerRules.FileNames, path => alreadyWrong($"{listener}.{path}")))
            {
                yield return new SettingProblem($"listeners[{l}].{problem.Path}", problem.Message);
            }
        }
    }

    /// <summary>
    /// One listener's routes against <paramref name="pools"/>, paths relative to the listener; <paramref name="name"/> gives a
    /// listener setting as the user wrote it (<c>--max-header-length</c> on the command line).
    /// </summary>
    public static IReadOnlyList<RoutingProblem> Check(ListenerOptions listener, IReadOnlyList<PoolOptions> pools, Func<string, string> name, Func<string, bool>? alreadyWrong = null)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(pools);
        var problems = new List<RoutingProblem>();
        IReadOnlyList<Route> routes = ConfiguredRoutes.Read(listener, problems, alreadyWrong);
        problems.AddRange(CheckDestinations(listener, routes, pools));
        if (listener.SendProxy == ProxySendMode.V2)
        {
            problems.AddRange(CheckHeaderLengths(listener, routes, pools, name));
        }

        return problems;
    }

    // Every route's pool exists, every route can be chosen, and exactly one place takes what no route does.
    private static List<RoutingProblem> CheckDestinations(ListenerOptions listener, IReadOnlyList<Route> routes, IReadOnlyList<PoolOptions> pools)
    {
        if (routes.Count == 0 && listener.DefaultPool is null)
        {
            return []; // its own pool only (ListenerRules checks that it has one)
        }

        var problems = new List<RoutingProblem>();
        int catchAll = routes.ToList().FindIndex(route => route.Match.IsCatchAll);
        string? defaultPool = listener.DefaultPool;
        if (listener.HasOwnPool)
        {
            if (listener.DefaultPool is not null)
            {
                problems.Add(new("defaultPool", "never used: the listener's own backends take the connections no route takes; remove one or the other"));
            }
            else if (catchAll >= 0)
            {
                problems.Add(new("backends", $"never used: routes[{catchAll}] has an empty match and takes every connection"));
            }
            else
            {
                defaultPool = RouteRules.OwnBackends;
            }
        }

        List<string> names = [.. pools.Select(pool => pool.Name)];
        if (listener.HasOwnPool)
        {
            names.Add(RouteRules.OwnBackends);
        }

        problems.AddRange(RouteRules.Check(routes, defaultPool, names, typed => EditDistance.Nearest(pools.Select(pool => pool.Name), typed, 2)));
        return problems;
    }

    // A header with TLVs of TcpLb's own must fit what the routers of the route's pool accept (README, "PROXY header limits").
    private static IEnumerable<RoutingProblem> CheckHeaderLengths(ListenerOptions listener, IReadOnlyList<Route> routes, IReadOnlyList<PoolOptions> pools, Func<string, string> name)
    {
        int forwardedBound = listener.ForwardTlvs ? Math.Max(0, listener.MaxProxyHeaderLength - SmallestAddressBlock) : 0;
        ProxyTlvChoice listenerTlvs = ConfiguredRoutes.ListenerTlvs(listener);
        for (int i = 0; i < routes.Count; i++)
        {
            ProxyTlvChoice tlvs = routes[i].Tlvs ?? listenerTlvs;
            if (tlvs.AddsOwnTlvs && pools.FirstOrDefault(pool => pool.Name == routes[i].Pool) is { } pool)
            {
                string path = routes[i].Tlvs is null ? $"routes[{i}]" : $"routes[{i}].proxyTlvs";
                foreach (RoutingProblem problem in RouteRules.CheckHeaderLength(path, tlvs, forwardedBound, pool.MaxHeaderLength, $"pools.{pool.Name}.maxHeaderLength"))
                {
                    yield return problem;
                }
            }
        }

        bool defaultTaken = !routes.Any(route => route.Match.IsCatchAll);
        PoolOptions? defaultPool = listener.HasOwnPool ? listener.Pool : pools.FirstOrDefault(pool => pool.Name == listener.DefaultPool);
        if (defaultTaken && listenerTlvs.AddsOwnTlvs && defaultPool is not null)
        {
            string limitName = listener.HasOwnPool ? name("maxHeaderLength") : $"pools.{defaultPool.Name}.maxHeaderLength";
            foreach (RoutingProblem problem in RouteRules.CheckHeaderLength(listener.HasOwnPool ? "proxyTlvs" : "defaultPool", listenerTlvs, forwardedBound, defaultPool.MaxHeaderLength, limitName))
            {
                yield return problem;
            }
        }
    }
}
