using TcpLb.Configuration;
using TcpLb.Tlvs;

namespace TcpLb.Routing;

/// <summary>
/// A listener's routes as the configuration gives them, compiled: host patterns parsed, TLV choices made. The config check
/// (<see cref="RoutingCheck"/>) and the running listener build them the same way, so what was checked is what runs.
/// </summary>
internal static class ConfiguredRoutes
{
    // A route whose pool key is missing (reported by the reader) still takes its place, so later indices stay the file's.
    private const string MissingPool = "(missing)";

    /// <summary>
    /// The listener's routes in order; a name that is not a host pattern is reported in <paramref name="problems"/> with its
    /// path (<c>routes[1].match.sni</c>). Such a route, and one the reader found wrong (<paramref name="alreadyWrong"/>, by
    /// its path under the listener), is not what the file meant: it stands for a route no other one covers or is covered
    /// by (an SNI of the reserved <c>.invalid</c> domain, RFC 2606), so the other routes are still judged, by it too.
    /// </summary>
    public static IReadOnlyList<Route> Read(ListenerOptions listener, ICollection<RoutingProblem> problems, Func<string, bool>? alreadyWrong = null)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var routes = new List<Route>(listener.Routes.Count);
        for (int i = 0; i < listener.Routes.Count; i++)
        {
            RouteOptions route = listener.Routes[i];
            int reported = problems.Count;
            HostPattern? sni = Pattern(route.Match.Sni, $"routes[{i}].match.sni", problems);
            HostPattern? host = Pattern(route.Match.Host, $"routes[{i}].match.host", problems);
            ProxyTlvChoice? tlvs = route.ProxyTlvs is { } own ? ProxyTlvChoice.From(own, listener.SendProxyCrc32C, listener.ForwardTlvs) : null;
            RouteMatch match = problems.Count > reported || alreadyWrong?.Invoke($"routes[{i}]") == true
                ? Unreadable(i)
                : new RouteMatch(sni, route.Match.Alpn, host, route.Match.WebSocket, route.Match.Source);
            routes.Add(new Route(match, route.Pool.Length > 0 ? route.Pool : MissingPool, tlvs));
        }

        return routes;
    }

    /// <summary>The TLVs of the listener's headers (a route may choose its own).</summary>
    public static ProxyTlvChoice ListenerTlvs(ListenerOptions listener) =>
        ProxyTlvChoice.From(listener.ProxyTlvs, listener.SendProxyCrc32C, listener.ForwardTlvs);

    /// <summary>Where connections no route takes go: its own backends (<see cref="RouteRules.OwnBackends"/>), else <c>defaultPool</c>.</summary>
    public static string? DefaultPool(ListenerOptions listener) => listener.HasOwnPool ? RouteRules.OwnBackends : listener.DefaultPool;

    private static RouteMatch Unreadable(int index) =>
        HostPattern.TryParse($"route-{index}.unreadable.invalid", out HostPattern? placeholder, out _) ? new RouteMatch(sni: placeholder) : throw new InvalidOperationException();

    private static HostPattern? Pattern(string? text, string path, ICollection<RoutingProblem> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (HostPattern.TryParse(text, out HostPattern? pattern, out string error))
        {
            return pattern;
        }

        problems.Add(new RoutingProblem(path, error));
        return null;
    }
}
