using TcpLb.Inspection;
using TcpLb.ProxyProtocol;

namespace TcpLb.Routing;

/// <summary>
/// A listener's routes in order, and where a connection no route matches goes. Immutable: part of a
/// configuration snapshot, swapped whole on reload. Choosing is a scan in order, first match wins: O(routes),
/// no allocation (the names are compared from the caller's stack), a few tens of nanoseconds for a few routes.
/// </summary>
internal sealed class RouteTable
{
    /// <summary>What <see cref="Select"/> returns when no route matches: the default pool's turn.</summary>
    public const int DefaultRoute = -1;

    private readonly Route[] _routes;

    public RouteTable(IReadOnlyList<Route> routes, string? defaultPool)
    {
        ArgumentNullException.ThrowIfNull(routes);
        _routes = [.. routes];
        DefaultPool = defaultPool;
        NeedsFirstBytes = _routes.Any(route => route.Match.NeedsFirstBytes);
    }

    public IReadOnlyList<Route> Routes => _routes;

    /// <summary>The pool for connections no route matches; null when the routes end with a catch-all (validated).</summary>
    public string? DefaultPool { get; }

    /// <summary>
    /// True when some route reads the first bytes. A table of <c>source</c> routes only can choose at accept,
    /// without waiting for the client to speak.
    /// </summary>
    public bool NeedsFirstBytes { get; }

    /// <summary>
    /// The index of the first route that matches the connection, or <see cref="DefaultRoute"/>. A connection whose
    /// first bytes were not Found (neither TLS nor HTTP, malformed, over the cap, timed out) matches only routes
    /// that ask for nothing the first bytes show.
    /// </summary>
    public int Select(in InspectionResult firstBytes, ProxyAddress client)
    {
        Span<byte> serverName = stackalloc byte[RouteInput.MaxNameLength];
        Span<byte> host = stackalloc byte[RouteInput.MaxNameLength];
        var input = RouteInput.From(firstBytes, client, serverName, host);
        for (int i = 0; i < _routes.Length; i++)
        {
            if (_routes[i].Match.Matches(input))
            {
                return i;
            }
        }

        return DefaultRoute;
    }

    /// <summary>The pool a choice of <see cref="Select"/> sends to.</summary>
    public string? PoolOf(int route) => route == DefaultRoute ? DefaultPool : _routes[route].Pool;
}
