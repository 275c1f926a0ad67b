using TcpLb.Inspection;
using TcpLb.ProxyProtocol;
using TcpLb.Routing;

namespace TcpLb.Forwarding;

/// <summary>
/// A listener's routes as one configuration made them: the table that chooses, and the target of each route and of the
/// default. A listener without routes has one target and never inspects: its connections pay nothing for routing.
/// </summary>
internal sealed class ListenerRouting
{
    private readonly RouteTable? _table;
    private readonly RouteTarget[] _routes;

    /// <param name="table">The routes; null for none (every connection to <paramref name="fallback"/>).</param>
    /// <param name="routes">The target of each route of <paramref name="table"/>, in its order.</param>
    /// <param name="fallback">Where connections no route takes go; null when the routes end with an empty match.</param>
    /// <param name="inspectBytes">The most first bytes inspected.</param>
    public ListenerRouting(RouteTable? table, IReadOnlyList<RouteTarget> routes, RouteTarget? fallback, int inspectBytes)
    {
        if ((table?.Routes.Count ?? 0) != routes.Count || (fallback is null && (routes.Count == 0 || !table!.Routes[^1].Match.IsCatchAll)))
        {
            throw new ArgumentException("a target per route, and a default unless the routes end with an empty match (the config check ensures both)", nameof(routes));
        }

        _table = table;
        _routes = [.. routes];
        Default = fallback;
        InspectBytes = inspectBytes;
        InspectsFirstBytes = (table?.NeedsFirstBytes ?? false) || Targets.Any(target => target.Tlvs.NeedsFirstBytes);
    }

    /// <summary>The target of connections no route takes; null when a route takes every connection.</summary>
    public RouteTarget? Default { get; }

    /// <summary>Every target: the routes' in order, then the default's.</summary>
    public IEnumerable<RouteTarget> Targets => Default is null ? _routes : _routes.Append(Default);

    /// <summary>Where connections no route takes end up: the default, or the last route (an empty match).</summary>
    public RouteTarget Fallback => Default ?? _routes[^1];

    /// <summary>
    /// True when the client's first bytes are read and inspected before the route is chosen: some route matches on what
    /// they show, or a TLV carries it (AUTHORITY, ALPN).
    /// </summary>
    public bool InspectsFirstBytes { get; }

    /// <summary>The most first bytes inspected (<c>inspectBytes</c>).</summary>
    public int InspectBytes { get; }

    /// <summary>The target of the first route <paramref name="firstBytes"/> and <paramref name="client"/> match, else the default.</summary>
    public RouteTarget Select(in InspectionResult firstBytes, ProxyAddress client) =>
        _table is not null && _table.Select(firstBytes, client) is var route and >= 0 ? _routes[route] : Default!;
}
