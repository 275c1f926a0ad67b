using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Forwarding;
using TcpLb.Routing;
using TcpLb.Tlvs;

namespace TcpLb.Hosting;

/// <summary>
/// One configured listener while it runs (HAProxy's frontend): its own pool when it has backends, and the handler new
/// connections go to, whose routes reach its own pool or the named pools it shares with other listeners. A reload that
/// keeps the listener (<see cref="ReconfigureAsync"/>) keeps its own pool, so backends that stay keep their health and
/// connection counts, and swaps the handler with one write: routes and the pools they reach change together for new
/// connections, while open ones finish under the handler that took them (they stay in the registry, tagged with this
/// listener, until they end). Its sockets are <see cref="ListenerSocket"/>s owned by the server.
/// </summary>
internal sealed class RunningListener : IAsyncDisposable
{
    private readonly ListenerContext _context;
    private readonly Dictionary<string, RouteTag> _routeTags = new(StringComparer.Ordinal);
    private RunningPool? _ownPool;
    private ConnectionHandler _handler;

    /// <param name="options">Its settings (validated).</param>
    /// <param name="context">What running listeners share.</param>
    /// <param name="pools">The named pools, by name, its routes may reach.</param>
    public RunningListener(ListenerOptions options, ListenerContext context, IReadOnlyDictionary<string, RunningPool> pools)
    {
        _context = context;
        Options = options;
        Name = options.Listen[0].ToString();
        Tag = new ListenerTag(Name);
        _ownPool = options.HasOwnPool ? new RunningPool(Name, options.Pool, options.SendProxy, context) : null;
        _handler = CreateHandler(options, pools);
    }

    public ListenerOptions Options { get; private set; }

    /// <summary>Its name in logs and metrics (and its own pool's): its first address as configured.</summary>
    public string Name { get; }

    /// <summary>How this listener's connections are tagged in the registry (and how many are open).</summary>
    public ListenerTag Tag { get; }

    /// <summary>Its own pool (backends written beside <c>listen</c>); null when it sends only to named pools.</summary>
    public RunningPool? OwnPool => _ownPool;

    /// <summary>The handler new connections go to.</summary>
    public ConnectionHandler Handler => Volatile.Read(ref _handler);

    /// <summary>The pool of connections no route takes (its own, its default pool, or its last route's).</summary>
    public Pool Pool => Handler.Routing.Fallback.Connector.Pool;

    /// <summary>Resolves its own pool's DNS once (bounded) and starts its health checks; called before the sockets accept.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _ownPool?.StartAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>
    /// Applies <paramref name="options"/> (same listener, other settings) to new connections, with the named pools as the
    /// reload left them. Returns what changed, from what to what (<c>timeouts.connect 5s -> 2s</c>), for the reload's line.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReconfigureAsync(ListenerOptions options, IReadOnlyDictionary<string, RunningPool> pools, CancellationToken cancellationToken)
    {
        ListenerOptions old = Options;
        RunningPool? retired = null;
        if (_ownPool is not null && options.HasOwnPool)
        {
            await _ownPool.ReconfigureAsync(options.Pool, options.SendProxy, cancellationToken).ConfigureAwait(false);
        }
        else if (options.HasOwnPool)
        {
            var created = new RunningPool(Name, options.Pool, options.SendProxy, _context);
            await created.StartAsync(cancellationToken).ConfigureAwait(false);
            _ownPool = created;
        }
        else
        {
            (retired, _ownPool) = (_ownPool, null); // its backends drain: the new handler no longer reaches them
        }

        // Same limit: the new handler shares the budget the open connections hold slots in; a new limit starts afresh.
        ConnectionBudget? listenerBudget = old.MaxConnections == options.MaxConnections ? _handler.Admission.ListenerBudget : null;
        Options = options;
        Volatile.Write(ref _handler, CreateHandler(options, pools, listenerBudget));
        if (retired is not null)
        {
            await retired.DisposeAsync().ConfigureAwait(false);
        }

        return [.. ListenerOptions.Settings.Changes(old, options).Select(change => change.ToString())];
    }

    /// <summary>Stops its own pool's health checks and DNS discovery (the listener is removed or the process stops); connections go on.</summary>
    public ValueTask DisposeAsync() => _ownPool?.DisposeAsync() ?? ValueTask.CompletedTask;

    private ConnectionHandler CreateHandler(ListenerOptions options, IReadOnlyDictionary<string, RunningPool> pools, ConnectionBudget? listenerBudget = null)
    {
        listenerBudget ??= options.MaxConnections > 0 ? new ConnectionBudget(options.MaxConnections, "listener max-connections", _context.Time, _context.Logger) : null;
        var admission = new ListenerAdmission(_context.ProcessBudget, listenerBudget);
        var telemetry = new ConnectionTelemetry(_context.Metrics, _context.AccessLog, Name, _context.Time);
        return new ConnectionHandler(options, Tag, CreateRouting(options, pools), admission, _context.Registry, _context.Time, _context.Logger, telemetry, _context.Ids);
    }

    // The routes compiled as the config check compiled them, each with the pool it reaches and what it sends.
    private ListenerRouting CreateRouting(ListenerOptions options, IReadOnlyDictionary<string, RunningPool> pools)
    {
        var problems = new List<RoutingProblem>();
        IReadOnlyList<Route> routes = ConfiguredRoutes.Read(options, problems);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"listener {Name}: {string.Join("; ", problems)} (the config check refuses this)", nameof(options));
        }

        ProxyTlvChoice listenerTlvs = ConfiguredRoutes.ListenerTlvs(options);
        RouteTarget[] targets = [.. routes.Select(route => Target(route.Match.ToString(), Find(route.Pool), route.Tlvs ?? listenerTlvs))];
        RouteTarget? fallback = ConfiguredRoutes.DefaultPool(options) is { } defaultPool && !routes.Any(route => route.Match.IsCatchAll)
            ? Target(RouteTag.DefaultName, Find(defaultPool), listenerTlvs)
            : null;
        var routing = new ListenerRouting(routes.Count == 0 ? null : new RouteTable(routes, null), targets, fallback, options.InspectBytes);

        // Counts of routes no longer configured stay with the targets of the connections still open on them.
        HashSet<string> current = [.. routing.Targets.Select(target => target.Tag.Name)];
        foreach (string gone in _routeTags.Keys.Where(name => !current.Contains(name)).ToList())
        {
            _routeTags.Remove(gone);
        }

        return routing;

        RunningPool Find(string pool) => pool == RouteRules.OwnBackends
            ? _ownPool!
            : pools.TryGetValue(pool, out RunningPool? named) ? named : throw new ArgumentException($"listener {Name}: unknown pool '{pool}' (the config check refuses this)", nameof(options));

        RouteTarget Target(string route, RunningPool pool, ProxyTlvChoice tlvs)
        {
            RouteTag tag = _routeTags.TryGetValue(route, out RouteTag? known) ? known : _routeTags[route] = new RouteTag(route);
            TimeoutOptions timeouts = pool.Options.Timeouts.Over(options.Timeouts); // its own pool sets none: the listener's
            return new RouteTarget(tag, pool.Connector(timeouts.Connect), timeouts, tlvs);
        }
    }
}
