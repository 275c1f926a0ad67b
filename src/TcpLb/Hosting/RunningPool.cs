using Microsoft.Extensions.Logging;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Discovery;
using TcpLb.Forwarding;
using TcpLb.Health;

namespace TcpLb.Hosting;

/// <summary>
/// One pool while it runs (HAProxy's backend section): its backends and policy (<see cref="Balancing.Pool"/>), and what
/// its options build around them: the queue for backend slots, passive health, active checks, DNS discovery. Shared by
/// every listener that sends to it (a named pool), or a listener's own; each listener's routes reach it through a
/// <see cref="BackendConnector"/> of their own (their connect timeout may differ). A reload that keeps the pool
/// (<see cref="ReconfigureAsync"/>) keeps its backends that stay, with their health and connection counts.
/// </summary>
internal sealed class RunningPool : IAsyncDisposable
{
    private readonly ListenerContext _context;
    private BackendSlotQueue _queue;
    private PassiveHealthMonitor _passive;
    private ActiveHealthChecker? _checker;
    private DnsDiscovery? _discovery;

    /// <param name="name">Its name in logs and metrics: the key under <c>pools</c>, or the listener's first address.</param>
    /// <param name="options">Its settings.</param>
    /// <param name="checksSend">The PROXY header its health checks send (<see cref="PoolUsage.HealthCheckSendProxy"/>).</param>
    /// <param name="context">What running listeners and pools share.</param>
    public RunningPool(string name, PoolOptions options, ProxySendMode checksSend, ListenerContext context)
    {
        _context = context;
        Options = options;
        ChecksSend = checksSend;
        Pool = new Pool(name, CreatePolicy(options.Balance), options.Backends, context.Time);
        _queue = new BackendSlotQueue(options.MaxQueue, options.QueueTimeout, context.Time);
        _passive = CreatePassive(options);
        _checker = CreateChecker(options, checksSend);
        _discovery = CreateDiscovery(options);
    }

    public PoolOptions Options { get; private set; }

    /// <summary>The header its health checks send.</summary>
    public ProxySendMode ChecksSend { get; private set; }

    public Pool Pool { get; }

    public string Name => Pool.Name;

    /// <summary>Connections waiting for a backend slot.</summary>
    public int QueueLength => _queue.Length;

    /// <summary>Resolves DNS once (bounded) and starts the health checks; called before connections can reach the pool.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_discovery is not null)
        {
            await _discovery.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        _checker?.Start();
    }

    /// <summary>A way to its backends for one route: its queue, passive health and retries, with that route's connect timeout.</summary>
    public BackendConnector Connector(TimeSpan connectTimeout) =>
        new(Pool, _passive, _queue, Options.Retries, connectTimeout, _context.Time, _context.Logger, _context.Metrics);

    /// <summary>
    /// Applies <paramref name="options"/> for new connections: the backends that stay keep their state, removed ones
    /// drain, checks and discovery restart only when their settings changed. Connectors made before keep the old queue.
    /// </summary>
    public async Task ReconfigureAsync(PoolOptions options, ProxySendMode checksSend, CancellationToken cancellationToken)
    {
        PoolOptions old = Options;
        if (SameSettings(old, options) && checksSend == ChecksSend)
        {
            return;
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
            // Waiters in the old queue are still woken by the connections of the old connectors, or time out.
            _queue = new BackendSlotQueue(options.MaxQueue, options.QueueTimeout, _context.Time);
        }

        bool newPassive = old.PassiveHealth != options.PassiveHealth;
        if (newPassive)
        {
            _passive = CreatePassive(options);
        }

        if (newPassive || old.HealthCheck != options.HealthCheck || checksSend != ChecksSend)
        {
            if (_checker is not null)
            {
                await _checker.DisposeAsync().ConfigureAwait(false);
            }

            _checker = CreateChecker(options, checksSend);
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

        Options = options;
        ChecksSend = checksSend;
    }

    /// <summary>Stops health checks and DNS discovery (the pool is removed or the process stops); connections go on.</summary>
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

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> hold the same settings (records compare lists by reference).</summary>
    public static bool SameSettings(PoolOptions a, PoolOptions b) => a.Backends.SequenceEqual(b.Backends) && a with { Backends = b.Backends } == b;

    private static ILoadBalancingPolicy CreatePolicy(string name) =>
        LoadBalancingPolicies.TryCreate(name, Random.Shared, out ILoadBalancingPolicy? policy)
            ? policy
            : throw new ArgumentException($"unknown balancing policy '{name}'; use one of {string.Join(", ", BalancingPolicyNames.All)}");

    private PassiveHealthMonitor CreatePassive(PoolOptions options)
    {
        var passive = new PassiveHealthMonitor(Pool.Name, options.PassiveHealth, _context.Time, _context.Logger);
        passive.Ejected += (backend, _, _) => _context.Metrics.Ejection(Pool.Name, backend);
        return passive;
    }

    private ActiveHealthChecker? CreateChecker(PoolOptions options, ProxySendMode checksSend)
    {
        if (HealthProbeFactory.Create(options.HealthCheck, checksSend, _context.Time) is not { } probe)
        {
            return null;
        }

        var checker = new ActiveHealthChecker(Pool, options.HealthCheck, probe, _context.Time, _context.Logger, passive: _passive);
        checker.StateChanged += (backend, up, _) => _context.Metrics.HealthTransition(Pool.Name, backend, up);
        return checker;
    }

    private DnsDiscovery? CreateDiscovery(PoolOptions options) => options.Discovery is { } discovery
        ? new DnsDiscovery(discovery, options.Backends, Pool, _context.Resolver, _context.Time, _context.Loggers.CreateLogger<DnsDiscovery>())
        : null;
}
