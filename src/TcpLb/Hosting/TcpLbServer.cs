using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using TcpLb.Discovery;
using TcpLb.Forwarding;
using TcpLb.Health;
using TcpLb.Model;
using TcpLb.Transport;

namespace TcpLb.Hosting;

/// <summary>
/// The running balancer: every listener bound, its accept loop, and the connections in flight. Stop
/// drains in Kestrel's order: stop accepting, let connections finish up to the drain time, reset the rest.
/// </summary>
internal sealed partial class TcpLbServer : IAsyncDisposable
{
    private readonly IReadOnlyList<ListenerOptions> _listeners;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<(SocketListener Listener, ConnectionHandler Handler, Task AcceptLoop)> _running = [];
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly List<BackendConnector> _connectors = [];
    private readonly List<DnsDiscovery> _discoveries = [];
    private readonly List<ActiveHealthChecker> _checkers = [];
    private readonly ILoggerFactory _loggers;
    private ConnectionBudget? _processBudget;
    private readonly TcpLbMetrics _metrics;
    private readonly bool _ownsMetrics;
    private IDnsResolver? _resolver;
    private int _stopping;

    public TcpLbServer(IReadOnlyList<ListenerOptions> listeners, TimeProvider time, ILoggerFactory loggers, TcpLbMetrics? metrics = null)
    {
        _ownsMetrics = metrics is null;
        _metrics = metrics ?? new TcpLbMetrics();
        _listeners = listeners;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger("TcpLb");
    }

    /// <summary>Builds the pools, waits (bounded) for their first DNS answers, then binds and accepts.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        List<ConnectionHandler> handlers = CreateHandlers();
        foreach (DnsDiscovery discovery in _discoveries)
        {
            await discovery.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        Bind(handlers);
    }

    /// <summary>The addresses actually bound (port 0 resolved), in listener order.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => [.. _running.Select(r => r.Listener.LocalEndPoint)];

    /// <summary>Connections open right now.</summary>
    public int ActiveConnections => _running.Sum(r => r.Handler.ActiveCount);

    /// <summary>The open connections, for status and tests.</summary>
    public IReadOnlyCollection<ProxiedConnection> Connections => [.. _running.Select(r => r.Handler).Distinct().SelectMany(h => h.Connections)];

    /// <summary>Builds the pools, binds every listener (all or none) and starts accepting.</summary>
    public void Start() => Bind(CreateHandlers());

    private List<ConnectionHandler> CreateHandlers()
    {
        // Measured now, when the runtime has its assemblies open: the budget is what is left.
        int budget = DescriptorBudget.MaxConnections(DescriptorBudget.ReadDescriptorLimit(), DescriptorBudget.CountOpen());
        _processBudget = new ConnectionBudget(budget, "file descriptor (RLIMIT_NOFILE)", _time, _logger);
        return [.. _listeners.Select(options => new ConnectionHandler(options, CreateConnector(options), _processBudget, _time, _logger))];
    }

    private void Bind(List<ConnectionHandler> handlers)
    {
        var bound = new List<(SocketListener, ConnectionHandler)>();
        try
        {
            foreach (ConnectionHandler handler in handlers)
            {
                foreach (IPEndPoint endPoint in handler.Options.Listen)
                {
                    bound.Add((SocketListener.Bind(endPoint, _time, _logger), handler));
                }
            }
        }
        catch
        {
            bound.ForEach(b => b.Item1.Dispose());
            throw;
        }

        SocketActivation.CloseUnclaimed(_logger);

        foreach (ActiveHealthChecker checker in _checkers)
        {
            checker.Start();
        }

        foreach ((SocketListener listener, ConnectionHandler handler) in bound)
        {
            Listening(_logger, listener.LocalEndPoint);
            Task loop = listener.AcceptLoopAsync(handler.WaitForSlotAsync, socket => Track(handler.HandleAsync(socket, _shutdown.Token)), _stopAccepting.Token);
            _running.Add((listener, handler, loop));
        }
    }

    /// <summary>The pools, one per listener, in listener order.</summary>
    public IReadOnlyList<Pool> Pools => [.. _connectors.Select(c => c.Pool)];

    /// <summary>Connections waiting for a backend slot, per listener.</summary>
    public IReadOnlyList<int> QueueLengths => [.. _connectors.Select(c => c.QueueLength)];

    // One pool per listener: its policy, the backends given, the queue, and passive health feedback.
    private BackendConnector CreateConnector(ListenerOptions options)
    {
        if (!LoadBalancingPolicies.TryCreate(options.Balance, Random.Shared, out ILoadBalancingPolicy? policy))
        {
            throw new ArgumentException($"unknown balancing policy '{options.Balance}'; use one of {string.Join(", ", LoadBalancingPolicies.Names)}");
        }

        var pool = new Pool(options.Listen[0].ToString(), policy, options.Backends, _time);
        if (options.Discovery is { } discovery)
        {
            _resolver ??= new DnsClientResolver();
            _discoveries.Add(new DnsDiscovery(discovery, options.Backends, pool, _resolver, _time, _loggers.CreateLogger<DnsDiscovery>()));
        }

        var passive = new PassiveHealthMonitor(pool.Name, options.PassiveHealth, _time, _logger);
        passive.Ejected += (backend, _, _) => _metrics.Ejection(pool.Name, backend);
        if (HealthProbeFactory.Create(options.HealthCheck, options.SendProxy, _time) is { } probe)
        {
            var checker = new ActiveHealthChecker(pool, options.HealthCheck, probe, _time, _logger, passive: passive);
            checker.StateChanged += (backend, up, _) => _metrics.HealthTransition(pool.Name, backend, up);
            _checkers.Add(checker);
        }

        var queue = new BackendSlotQueue(options.MaxQueue, options.QueueTimeout, _time);
        var connector = new BackendConnector(pool, passive, queue, options.Retries, options.Timeouts.Connect, _time, _logger);
        _connectors.Add(connector);
        return connector;
    }

    /// <summary>Stops accepting, waits up to <paramref name="drain"/> for open connections, then resets the rest.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
        {
            return;
        }

        _stopAccepting.Cancel(); // also frees an accept loop waiting for a listener slot
        foreach ((SocketListener listener, _, _) in _running)
        {
            listener.Dispose();
        }

        await Task.WhenAll(_running.Select(r => r.AcceptLoop)).ConfigureAwait(false);
        foreach (DnsDiscovery discovery in _discoveries)
        {
            await discovery.DisposeAsync().ConfigureAwait(false);
        }

        foreach (ActiveHealthChecker checker in _checkers)
        {
            await checker.DisposeAsync().ConfigureAwait(false);
        }

        int open = _connections.Count;
        Draining(_logger, open, drain.TotalSeconds);
        try
        {
            // Accepted connections still waiting for a header, first bytes or a backend slot are served too:
            // their client is connected, and in a binary upgrade no other process will see it.
            await Task.WhenAll(_connections.Keys).WaitAsync(drain, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            int left = _connections.Count;
            _shutdown.Cancel(); // those still waiting give up now
            foreach ((_, ConnectionHandler handler, _) in _running)
            {
                handler.AbortAll();
            }

            await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
            Aborted(_logger, left);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        _shutdown.Dispose();
        _stopAccepting.Dispose();
        if (_ownsMetrics)
        {
            _metrics.Dispose();
        }
    }

    private void Track(Task connection)
    {
        _connections.TryAdd(connection, 0);
        _ = connection.ContinueWith(
            static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _),
            _connections, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening on {EndPoint}")]
    private static partial void Listening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stopped accepting; draining {Open} connections for up to {Seconds} s")]
    private static partial void Draining(ILogger logger, int open, double seconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Drain time over: reset {Count} connections still open")]
    private static partial void Aborted(ILogger logger, int count);
}
