using Microsoft.Extensions.Logging;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Discovery;
using TcpLb.Forwarding;
using TcpLb.Health;

namespace TcpLb.Hosting;

/// <summary>
/// One configured listener while it runs: its pool, and what its options build around the pool (the handler
/// new connections go to, the connector with its queue and passive health, active checks, DNS discovery).
/// A reload that keeps the listener (<see cref="ReconfigureAsync"/>) keeps the pool, so backends that stay
/// keep their health and connection counts; new connections get the new settings, open ones finish under the
/// handler that took them (they stay in the registry, tagged with this listener, until they end). Its sockets are
/// <see cref="ListenerSocket"/>s owned by the server.
/// </summary>
internal sealed class RunningListener : IAsyncDisposable
{
    private readonly ListenerContext _context;
    private ConnectionHandler _handler;
    private BackendSlotQueue _queue;
    private PassiveHealthMonitor _passive;
    private ActiveHealthChecker? _checker;
    private DnsDiscovery? _discovery;

    public RunningListener(ListenerOptions options, ListenerContext context)
    {
        _context = context;
        Options = options;
        Pool = new Pool(options.Listen[0].ToString(), CreatePolicy(options.Balance), options.Backends, context.Time);
        Tag = new ListenerTag(Pool.Name);
        _queue = new BackendSlotQueue(options.MaxQueue, options.QueueTimeout, context.Time);
        _passive = CreatePassive(options);
        _checker = CreateChecker(options);
        _discovery = CreateDiscovery(options);
        _handler = CreateHandler(options);
    }

    public ListenerOptions Options { get; private set; }

    public Pool Pool { get; }

    /// <summary>How this listener's connections are tagged in the registry (and how many are open).</summary>
    public ListenerTag Tag { get; }

    /// <summary>The handler new connections go to.</summary>
    public ConnectionHandler Handler => Volatile.Read(ref _handler);

    /// <summary>Connections waiting for a backend slot.</summary>
    public int QueueLength => _queue.Length;

    /// <summary>Resolves DNS once (bounded) and starts the health checks; called before the sockets accept.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_discovery is not null)
        {
            await _discovery.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        _checker?.Start();
    }

    /// <summary>
    /// Applies <paramref name="options"/> (same listener, other settings) to new connections. Returns what changed, from
    /// what to what (<c>timeouts.connect 5s -> 2s</c>), for the reload's log line, or an empty list when nothing did.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReconfigureAsync(ListenerOptions options, CancellationToken cancellationToken)
    {
        ListenerOptions old = Options;
        if (SameSettings(old, options))
        {
            return [];
        }

        if (old.Balance != options.Balance)
        {
            Pool.SetPolicy(CreatePolicy(options.Balance));
        }

        // With DNS discovery the members are the static backends plus what DNS found; keep the found ones until it answers again.
        bool restartDiscovery = old.Discovery != options.Discovery || !old.Backends.SequenceEqual(options.Backends);
        HashSet<System.Net.EndPoint> oldStatic = [.. old.Backends.Select(backend => backend.Address)];
        IEnumerable<BackendOptions> discovered = old.Discovery is not null && options.Discovery is not null
            ? Pool.Current.Primaries.Backends.Concat(Pool.Current.Backups.Backends).Where(b => !oldStatic.Contains(b.Address)).Select(b => b.Options)
            : [];
        Pool.SetBackends([.. options.Backends, .. discovered]);
        Pool.PruneDrained();

        if (old.MaxQueue != options.MaxQueue || old.QueueTimeout != options.QueueTimeout)
        {
            // Waiters in the old queue are still woken by the connections of the old handlers, or time out.
            _queue = new BackendSlotQueue(options.MaxQueue, options.QueueTimeout, _context.Time);
        }

        bool newPassive = old.PassiveHealth != options.PassiveHealth;
        if (newPassive)
        {
            _passive = CreatePassive(options);
        }

        if (newPassive || old.HealthCheck != options.HealthCheck || old.SendProxy != options.SendProxy)
        {
            if (_checker is not null)
            {
                await _checker.DisposeAsync().ConfigureAwait(false);
            }

            _checker = CreateChecker(options);
            _checker?.Start();
        }
        else
        {
            _checker?.Refresh();
        }

        if (restartDiscovery && (old.Discovery is not null || options.Discovery is not null))
        {
            if (_discovery is not null)
            {
                await _discovery.DisposeAsync().ConfigureAwait(false);
            }

            _discovery = CreateDiscovery(options);
            if (_discovery is not null)
            {
                await _discovery.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // Same limit: the new handler shares the budget the open connections hold slots in; a new limit starts afresh.
        ConnectionBudget? listenerBudget = old.MaxConnections == options.MaxConnections ? _handler.Admission.ListenerBudget : null;
        Options = options;
        Volatile.Write(ref _handler, CreateHandler(options, listenerBudget));
        return [.. ListenerOptions.Settings.Changes(old, options).Select(change => change.ToString())];
    }

    /// <summary>Stops health checks and DNS discovery (the listener is removed or the process stops); connections go on.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_discovery is not null)
        {
            await _discovery.DisposeAsync().ConfigureAwait(false);
        }

        if (_checker is not null)
        {
            await _checker.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static ILoadBalancingPolicy CreatePolicy(string name) =>
        LoadBalancingPolicies.TryCreate(name, Random.Shared, out ILoadBalancingPolicy? policy)
            ? policy
            : throw new ArgumentException($"unknown balancing policy '{name}'; use one of {string.Join(", ", BalancingPolicyNames.All)}");

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> hold the same settings (records compare lists by reference).</summary>
    public static bool SameSettings(ListenerOptions a, ListenerOptions b) =>
        a.Listen.SequenceEqual(b.Listen) && a.Backends.SequenceEqual(b.Backends) && a.AcceptProxyFrom.SequenceEqual(b.AcceptProxyFrom)
        && a with { Listen = b.Listen, Backends = b.Backends, AcceptProxyFrom = b.AcceptProxyFrom } == b;

    private ConnectionHandler CreateHandler(ListenerOptions options, ConnectionBudget? listenerBudget = null)
    {
        listenerBudget ??= options.MaxConnections > 0 ? new ConnectionBudget(options.MaxConnections, "listener max-connections", _context.Time, _context.Logger) : null;
        var admission = new ListenerAdmission(_context.ProcessBudget, listenerBudget);
        var connector = new BackendConnector(Pool, _passive, _queue, options.Retries, options.Timeouts.Connect, _context.Time, _context.Logger, _context.Metrics);
        var telemetry = new ConnectionTelemetry(_context.Metrics, _context.AccessLog, Pool.Name, _context.Time);
        return new ConnectionHandler(options, Tag, connector, admission, _context.Registry, _context.Time, _context.Logger, telemetry);
    }

    private PassiveHealthMonitor CreatePassive(ListenerOptions options)
    {
        var passive = new PassiveHealthMonitor(Pool.Name, options.PassiveHealth, _context.Time, _context.Logger);
        passive.Ejected += (backend, _, _) => _context.Metrics.Ejection(Pool.Name, backend);
        return passive;
    }

    private ActiveHealthChecker? CreateChecker(ListenerOptions options)
    {
        if (HealthProbeFactory.Create(options.HealthCheck, options.SendProxy, _context.Time) is not { } probe)
        {
            return null;
        }

        var checker = new ActiveHealthChecker(Pool, options.HealthCheck, probe, _context.Time, _context.Logger, passive: _passive);
        checker.StateChanged += (backend, up, _) => _context.Metrics.HealthTransition(Pool.Name, backend, up);
        return checker;
    }

    private DnsDiscovery? CreateDiscovery(ListenerOptions options) => options.Discovery is { } discovery
        ? new DnsDiscovery(discovery, options.Backends, Pool, _context.Resolver, _context.Time, _context.Loggers.CreateLogger<DnsDiscovery>())
        : null;
}
