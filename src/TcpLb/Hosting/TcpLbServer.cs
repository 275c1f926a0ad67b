using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpLb.Admin;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using TcpLb.Forwarding;
using TcpLb.Transport;

namespace TcpLb.Hosting;

/// <summary>
/// The running balancer: every listener (its settings, routes and own pool), the named pools listeners share, the
/// sockets it accepts on, the engine that carries connections and the one registry of those in flight.
/// <see cref="ReloadAsync(IReadOnlyList{ListenerOptions}, IReadOnlyList{PoolOptions}, CancellationToken)"/> applies a new
/// set of listeners and pools without closing a socket that stays or cutting a connection. Stop drains in Kestrel's order: stop accepting, let
/// connections finish up to the drain time, reset the rest.
/// </summary>
internal sealed partial class TcpLbServer : IBalancerStatus, IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly ListenerContext _context;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly SemaphoreSlim _changes = new(1, 1); // start, reloads and stop run one at a time
    private readonly bool _ownsMetrics;
    private readonly LiveTrafficSweep _sweep;
    private IReadOnlyList<ListenerOptions> _options;
    private IReadOnlyList<PoolOptions> _poolOptions;
    private List<RunningListener> _listeners = [];
    private Dictionary<string, RunningPool> _pools = new(StringComparer.Ordinal);
    private Dictionary<IPEndPoint, ListenerSocket> _sockets = [];
    private int _stopping;

    /// <param name="listeners">The listeners (validated, with <paramref name="pools"/>).</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggers">Where logs go.</param>
    /// <param name="metrics">The instruments; the server's own when null.</param>
    /// <param name="engine">The engine and its loops.</param>
    /// <param name="pools">The named pools the listeners' routes and default pools reach.</param>
    public TcpLbServer(
        IReadOnlyList<ListenerOptions> listeners, TimeProvider time, ILoggerFactory loggers, TcpLbMetrics? metrics = null, EngineOptions? engine = null,
        IReadOnlyList<PoolOptions>? pools = null)
    {
        _ownsMetrics = metrics is null;
        _options = listeners;
        _poolOptions = pools ?? [];
        _logger = loggers.CreateLogger("TcpLb");

        // Measured now, when the runtime has its assemblies open: the budget is what is left.
        int budget = DescriptorBudget.MaxConnections(DescriptorBudget.ReadDescriptorLimit(), DescriptorBudget.CountOpen());
        _context = new ListenerContext(
            time, loggers, metrics ?? new TcpLbMetrics(), new ConnectionBudget(budget, "file descriptor (RLIMIT_NOFILE)", time, _logger),
            new ConnectionRegistry(), CreateEngine(engine ?? new EngineOptions(), time, _logger, _shutdown.Token));
        _context.Metrics.ObservePools(() => [.. RunningPools.Select(pool => (pool.Pool, pool.QueueLength))]);
        _sweep = new LiveTrafficSweep(_context.Registry, _context.Metrics, time);
    }

    /// <summary>The engine carrying connections (<c>sockets</c> or <c>epoll</c>).</summary>
    public IConnectionEngine Engine => _context.Engine;

    /// <summary>The process's connection budget (file descriptors), which <see cref="DescriptorWatch"/> keeps up to date.</summary>
    public ConnectionBudget ProcessBudget => _context.ProcessBudget;

    /// <summary>The listeners' settings now in effect (the last reload's).</summary>
    public IReadOnlyList<ListenerOptions> Options => Volatile.Read(ref _options);

    /// <summary>Builds the pools, waits (bounded) for their first DNS answers, then binds and accepts.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, RunningPool> pools = _poolOptions.ToDictionary(
            pool => pool.Name, pool => new RunningPool(pool.Name, pool, PoolUsage.HealthCheckSendProxy(pool, _options), _context), StringComparer.Ordinal);
        foreach (RunningPool pool in pools.Values)
        {
            await pool.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        List<RunningListener> listeners = [.. _options.Select(options => new RunningListener(options, _context, pools))];
        foreach (RunningListener listener in listeners)
        {
            await listener.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        _pools = pools;

        Dictionary<IPEndPoint, ListenerSocket> sockets = BindAll(listeners.SelectMany(l => l.Options.Listen.Select(endPoint => (endPoint, l))), []);
        SocketActivation.CloseUnclaimed(_logger); // inherited sockets no listener took
        _listeners = listeners;
        _sockets = sockets;
        StartAccepting(sockets.Values);
        _sweep.Start();
    }

    /// <summary>The addresses actually bound (port 0 resolved), in listener order.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => [.. _listeners.SelectMany(l => l.Options.Listen).Select(endPoint => _sockets[endPoint].LocalEndPoint)];

    /// <summary>Connections open right now.</summary>
    public int ActiveConnections => _context.Registry.Count;

    /// <summary>Sweeps the open connections' bytes and states into the metrics now (tests; it also runs every few seconds).</summary>
    public void SweepTraffic() => _sweep.Sweep();

    /// <summary>The open connections, for status and tests.</summary>
    public IReadOnlyList<IOpenConnection> Connections => _context.Registry.Snapshot();

    /// <summary>Every pool: the listeners' own, in listener order, then the named ones.</summary>
    public IReadOnlyList<Pool> Pools => [.. RunningPools.Select(pool => pool.Pool)];

    /// <summary>Connections waiting for a backend slot, per pool (in the order of <see cref="Pools"/>).</summary>
    public IReadOnlyList<int> QueueLengths => [.. RunningPools.Select(pool => pool.QueueLength)];

    /// <summary>Each pool as it runs now, with its queue (for /status and the metrics).</summary>
    IReadOnlyList<PoolView> IBalancerStatus.Pools => [.. RunningPools.Select(pool => new PoolView(pool.Pool, pool.QueueLength))];

    private IEnumerable<RunningPool> RunningPools => _listeners.Select(l => l.OwnPool).OfType<RunningPool>().Concat(_pools.Values);

    /// <summary>True once the listeners are bound and until the server stops accepting (readiness).</summary>
    public bool IsAccepting => _sockets.Count > 0 && Volatile.Read(ref _stopping) == 0;

    /// <summary>Each listener as it runs now: its bound addresses, default pool, routes and open connections (for /status and /ready).</summary>
    public IReadOnlyList<ListenerView> Listeners => [.. _listeners.Select(l => new ListenerView(
        [.. l.Options.Listen.Select(endPoint => _sockets.TryGetValue(endPoint, out ListenerSocket? socket) ? socket.LocalEndPoint : endPoint)],
        l.Pool, l.Handler.Routing.Fallback.Connector.QueueLength, l.Tag.OpenConnections,
        [.. l.Handler.Routing.Targets.Select(target => new RouteView(target.Tag.Name, target.Connector.Pool, target.Connector.QueueLength, target.Tag.OpenConnections, target.Tag.Routed))]))];

    /// <summary>Makes <paramref name="listeners"/> the running configuration, without named pools (see the other overload).</summary>
    public Task<IReadOnlyList<string>> ReloadAsync(IReadOnlyList<ListenerOptions> listeners, CancellationToken cancellationToken) =>
        ReloadAsync(listeners, [], cancellationToken);

    /// <summary>
    /// Makes <paramref name="listeners"/> and <paramref name="pools"/> (already validated) the running configuration, all
    /// or nothing: the new addresses are bound first, and if one cannot be, nothing changes and a
    /// <see cref="ListenAddressException"/> naming it propagates. A named pool that stays is reconfigured (its backends
    /// keep their state), a new one starts (DNS, checks) before any listener reaches it, a removed one stops its checks
    /// once no listener reaches it, and its connections drain. A listener that shares an address with a running one is
    /// that listener reconfigured (its own pool and its sockets stay, its routes swap with the pools they reach in one
    /// write); one that shares none is new; a running listener left without a match stops accepting and its connections
    /// drain. Returns what changed in the listeners, one phrase each (empty when nothing did); the named pools' changes
    /// are the settings' (<c>TcpLbOptions.Settings.Changes</c>).
    /// </summary>
    public async Task<IReadOnlyList<string>> ReloadAsync(IReadOnlyList<ListenerOptions> listeners, IReadOnlyList<PoolOptions> pools, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopping) == 1, this);
            ReloadPlan plan = ReloadPlan.Match(_listeners.Select(l => l.Options).ToList(), listeners);
            var changes = new List<string>();
            Dictionary<string, RunningPool> namedPools = new(StringComparer.Ordinal);
            foreach (PoolOptions options in pools)
            {
                namedPools[options.Name] = _pools.TryGetValue(options.Name, out RunningPool? kept)
                    ? kept
                    : new RunningPool(options.Name, options, PoolUsage.HealthCheckSendProxy(options, listeners), _context); // started once the sockets are bound
            }

            // Sockets first, all or nothing: an address that stays keeps its socket, whichever listener it moves to.
            var created = plan.Added.ToDictionary(i => i, i => new RunningListener(listeners[i], _context, namedPools));
            RunningListener Target(int newIndex) => plan.Kept.TryGetValue(newIndex, out int oldIndex) ? _listeners[oldIndex] : created[newIndex];
            var wanted = listeners.SelectMany((options, i) => options.Listen.Select(endPoint => (endPoint, Target(i)))).ToList();
            Dictionary<IPEndPoint, ListenerSocket> sockets = BindAll(wanted.Where(w => !_sockets.ContainsKey(w.endPoint)), _sockets);

            try
            {
                // The named pools before the listeners that reach them: kept ones reconfigured, new ones started.
                foreach (PoolOptions options in pools)
                {
                    RunningPool pool = namedPools[options.Name];
                    await (_pools.ContainsKey(options.Name)
                        ? pool.ReconfigureAsync(options, PoolUsage.HealthCheckSendProxy(options, listeners), cancellationToken)
                        : pool.StartAsync(cancellationToken)).ConfigureAwait(false);
                }

                foreach ((int newIndex, int oldIndex) in plan.Kept)
                {
                    RunningListener kept = _listeners[oldIndex];
                    IReadOnlyList<string> changed = await kept.ReconfigureAsync(listeners[newIndex], namedPools, cancellationToken).ConfigureAwait(false);
                    if (changed.Count > 0)
                    {
                        changes.Add($"listener {kept.Name}: {string.Join(", ", changed)}");
                    }
                }

                foreach (RunningListener added in created.Values)
                {
                    await added.StartAsync(cancellationToken).ConfigureAwait(false);
                    changes.Add($"+listener {string.Join(" ", added.Options.Listen)}");
                }

                // Retarget the sockets that stay, start the new ones, close those no listener wants.
                foreach ((IPEndPoint endPoint, RunningListener target) in wanted)
                {
                    sockets[endPoint].Target = target;
                }

                StartAccepting(sockets.Values.Where(socket => !_sockets.ContainsKey(socket.Configured)));
                var wantedAddresses = wanted.Select(w => w.endPoint).ToHashSet();
                foreach (ListenerSocket closing in _sockets.Values.Where(socket => !wantedAddresses.Contains(socket.Configured)))
                {
                    await closing.StopAsync().ConfigureAwait(false);
                    sockets.Remove(closing.Configured);
                    changes.Add($"-address {closing.Configured}");
                }

                foreach (int oldIndex in plan.Removed)
                {
                    // Its connections stay in the registry, tagged with it, until they end (drained, never cut).
                    RunningListener removed = _listeners[oldIndex];
                    await removed.DisposeAsync().ConfigureAwait(false);
                    changes.Add($"-listener {removed.Name} (draining {removed.Tag.OpenConnections} connections)");
                }

                foreach (RunningPool retired in _pools.Values.Where(pool => !namedPools.ContainsKey(pool.Name)))
                {
                    await retired.DisposeAsync().ConfigureAwait(false); // no handler reaches it now; its connections drain
                }
            }
            catch
            {
                // Only a bug gets here (the options were validated): close what this reload opened, keep the rest as it is.
                foreach (ListenerSocket opened in sockets.Values.Where(socket => !_sockets.ContainsKey(socket.Configured)))
                {
                    await opened.StopAsync().ConfigureAwait(false);
                }

                throw;
            }

            _listeners = [.. listeners.Select((_, i) => Target(i))];
            _sockets = sockets;
            _pools = namedPools;
            _poolOptions = pools;
            Volatile.Write(ref _options, listeners);
            return changes;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Stops accepting, waits up to <paramref name="drain"/> for open connections, then resets the rest.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
        {
            return;
        }

        await _changes.WaitAsync().ConfigureAwait(false); // a reload in progress finishes first
        try
        {
            foreach (ListenerSocket socket in _sockets.Values)
            {
                await socket.StopAsync().ConfigureAwait(false);
            }

            foreach (RunningListener listener in _listeners)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }

            foreach (RunningPool pool in _pools.Values)
            {
                await pool.DisposeAsync().ConfigureAwait(false);
            }

            ConnectionRegistry registry = _context.Registry;
            if (registry.Count > 0 || _sockets.Count > 0)
            {
                Draining(_logger, registry.Count, drain.TotalSeconds); // not when a failed start stops a server that never accepted
            }

            try
            {
                // Accepted connections still waiting for a header, first bytes or a backend slot are served too:
                // their client is connected, and in a binary upgrade no other process will see it.
                await registry.WhenEmptyAsync().WaitAsync(drain, _context.Time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                int left = registry.Count;
                _shutdown.Cancel(); // those still waiting give up now
                registry.AbortAll(CloseReason.Shutdown);
                await registry.WhenEmptyAsync().ConfigureAwait(false);
                Aborted(_logger, left);
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        _sweep.Dispose(); // every connection has closed and added its last bytes
        await _context.Engine.DisposeAsync().ConfigureAwait(false);
        _shutdown.Dispose();
        _changes.Dispose();
        if (_ownsMetrics)
        {
            _context.Metrics.Dispose();
        }
    }

    // Binds every address given, all or none: on a failure the ones bound here are closed and the error propagates.
    private Dictionary<IPEndPoint, ListenerSocket> BindAll(IEnumerable<(IPEndPoint EndPoint, RunningListener Target)> addresses, Dictionary<IPEndPoint, ListenerSocket> existing)
    {
        var sockets = new Dictionary<IPEndPoint, ListenerSocket>(existing);
        var bound = new List<ListenerSocket>();
        try
        {
            foreach ((IPEndPoint endPoint, RunningListener target) in addresses)
            {
                ListenerSocket socket;
                try
                {
                    socket = ListenerSocket.Bind(endPoint, target, _context.Time, _logger);
                }
                catch (SocketException exception)
                {
                    throw new ListenAddressException(endPoint, exception); // the message names the address the socket does not
                }

                bound.Add(socket);
                sockets.Add(endPoint, socket);
            }
        }
        catch
        {
            foreach (ListenerSocket socket in bound)
            {
                socket.StopAsync().GetAwaiter().GetResult(); // never started: completes at once
            }

            throw;
        }

        return sockets;
    }

    private void StartAccepting(IEnumerable<ListenerSocket> sockets)
    {
        foreach (ListenerSocket socket in sockets.ToList())
        {
            Listening(_logger, socket.LocalEndPoint, _context.Engine.Name);
            socket.Start(_context.Engine);
        }
    }

    private static IConnectionEngine CreateEngine(EngineOptions options, TimeProvider time, ILogger logger, CancellationToken shutdown) =>
        options.Resolved == EngineKind.Epoll
            ? new EpollEngine(options.ResolvedThreads, time, logger, shutdown)
            : new SocketsEngine(shutdown);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening on {EndPoint} ({Engine} engine)")]
    private static partial void Listening(ILogger logger, IPEndPoint endPoint, string engine);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stopped accepting; draining {Open} connections for up to {Seconds} s")]
    private static partial void Draining(ILogger logger, int open, double seconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Drain time over: reset {Count} connections still open")]
    private static partial void Aborted(ILogger logger, int count);
}
