using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Forwarding;
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
    private int _stopping;

    public TcpLbServer(IReadOnlyList<ListenerOptions> listeners, TimeProvider time, ILoggerFactory loggers)
    {
        _listeners = listeners;
        _time = time;
        _logger = loggers.CreateLogger("TcpLb");
    }

    /// <summary>The addresses actually bound (port 0 resolved), in listener order.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => [.. _running.Select(r => r.Listener.LocalEndPoint)];

    /// <summary>Connections open right now.</summary>
    public int ActiveConnections => _running.Sum(r => r.Handler.ActiveCount);

    /// <summary>The open connections, for status and tests.</summary>
    public IReadOnlyCollection<ProxiedConnection> Connections => [.. _running.Select(r => r.Handler).Distinct().SelectMany(h => h.Connections)];

    /// <summary>Binds every listener (all or none) and starts accepting.</summary>
    public void Start()
    {
        var bound = new List<(SocketListener, ConnectionHandler)>();
        try
        {
            foreach (ListenerOptions options in _listeners)
            {
                var handler = new ConnectionHandler(options, CreateConnector(options), _time, _logger);
                foreach (IPEndPoint endPoint in options.Listen)
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

        foreach ((SocketListener listener, ConnectionHandler handler) in bound)
        {
            Listening(_logger, listener.LocalEndPoint);
            Task loop = listener.AcceptLoopAsync(handler.WaitForListenerSlotAsync, socket => Track(handler.HandleAsync(socket, _shutdown.Token)), _stopAccepting.Token);
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
        var queue = new BackendSlotQueue(options.MaxQueue, options.QueueTimeout, _time);
        var connector = new BackendConnector(pool, NoBackendFeedback.Instance, queue, options.Retries, options.Timeouts.Connect, _time, _logger);
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
        int open = _connections.Count;
        Draining(_logger, open, drain.TotalSeconds);
        _shutdown.Cancel(); // connections still waiting for a header, first bytes or a backend give up now
        try
        {
            await Task.WhenAll(_connections.Keys).WaitAsync(drain, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            int left = _connections.Count;
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
