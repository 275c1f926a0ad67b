using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpLb.Balancing;
using TcpLb.Diagnostics;
using TcpLb.Health;
using TcpLb.Model;

namespace TcpLb.Forwarding;

/// <summary>
/// Gets a connected backend for a client: the pool's policy chooses, a refused or timed-out connect is
/// retried on another backend (bounded; client-first means nothing was sent yet), and when every healthy
/// backend is at its limit the connection waits in the queue. Each outcome the backend caused goes to passive health.
/// </summary>
internal sealed class BackendConnector
{
    private const int MaxLostRaces = 16;
    private readonly Pool _pool;
    private readonly PassiveHealthMonitor _passive;
    private readonly BackendSlotQueue _queue;
    private readonly int _retries;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeProvider _time;
    private readonly TcpLbMetrics _metrics;
    private readonly RefusalLog _refusals;

    public BackendConnector(Pool pool, PassiveHealthMonitor passive, BackendSlotQueue queue, int retries, TimeSpan connectTimeout, TimeProvider time, ILogger logger, TcpLbMetrics metrics)
    {
        _metrics = metrics;
        _refusals = new RefusalLog(logger, time);
        _pool = pool;
        _passive = passive;
        _queue = queue;
        _retries = retries;
        _connectTimeout = connectTimeout;
        _time = time;
    }

    public Pool Pool => _pool;

    /// <summary>Connections waiting for a backend slot.</summary>
    public int QueueLength => _queue.Length;

    /// <summary>Other backends tried after a failed connect, at most.</summary>
    public int Retries => _retries;

    /// <summary>How long one backend may take to accept.</summary>
    public TimeSpan ConnectTimeout => _connectTimeout;

    /// <summary>
    /// The backend to dial next, its connection already counted (so concurrent choices see the load), or null when
    /// none can take the client now: then <paramref name="mayQueue"/> says whether waiting for a slot can help (some
    /// healthy, untried backend is merely at its limit). Engines share it; the sockets engine's dial is <see cref="ConnectAsync"/>.
    /// </summary>
    public BackendState? TryTakeBackend(ulong clientHash, ReadOnlySpan<BackendState> tried, out bool mayQueue)
    {
        mayQueue = false;
        for (int lostRaces = 0; lostRaces <= MaxLostRaces; lostRaces++)
        {
            BackendState? backend = Choose(clientHash, tried);
            if (backend is null)
            {
                mayQueue = HasHealthyBackendAtLimit(tried);
                return null;
            }

            // Losing the last slot to a concurrent choice means choosing again.
            if (backend.TryOpenConnection())
            {
                if (!tried.IsEmpty)
                {
                    _metrics.ConnectRetried(_pool.Name);
                }

                return backend;
            }
        }

        return null;
    }

    /// <summary>Waits in the pool's queue for a backend slot: true when one freed, false on timeout, null when the queue is full.</summary>
    public Task<bool?> WaitForSlotAsync(CancellationToken cancellationToken) => _queue.WaitAsync(cancellationToken);

    /// <summary>The dial to <paramref name="backend"/> succeeded after <paramref name="took"/>.</summary>
    public void Connected(BackendState backend, TimeSpan took) => _metrics.BackendConnected(_pool.Name, backend, took);

    /// <summary>
    /// The dial to <paramref name="backend"/> failed (<paramref name="why"/>): its slot is given back, passive health
    /// hears of it, and one log line names the backend. Not for a dial cut short by shutdown.
    /// </summary>
    public void ConnectFailed(IPEndPoint client, BackendState backend, string why)
    {
        Release(backend, backendReset: false, backendAnswered: false);
        _passive.ReportConnectFailure(backend);
        _refusals.ConnectFailed(client, backend.Address, why);
    }

    /// <summary>A connected socket and its backend (whose connection count now includes it), or why there is none.</summary>
    public async Task<(Socket? Socket, BackendState? Backend, CloseReason Failure)> ConnectAsync(IPEndPoint client, ulong clientHash, CancellationToken cancellationToken)
    {
        BackendState[]? tried = null; // allocated only after a failed connect: the common path allocates nothing here
        int triedCount = 0;
        while (triedCount <= _retries)
        {
            BackendState? backend = TryTakeBackend(clientHash, tried.AsSpan(0, triedCount), out bool mayQueue);
            if (backend is null)
            {
                if (!mayQueue)
                {
                    return (null, null, CloseReason.NoBackend);
                }

                bool? woken = await _queue.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (woken != true)
                {
                    return (null, null, woken is null ? CloseReason.QueueFull : CloseReason.QueueTimeout);
                }

                continue; // a slot freed: choose again
            }

            (Socket? socket, string? why) = await TryConnectAsync(backend, cancellationToken).ConfigureAwait(false);
            if (socket is not null)
            {
                // Not yet a success for passive health: a router that accepts and then resets must still be ejected.
                return (socket, backend, CloseReason.None);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                Release(backend, backendReset: false, backendAnswered: false);
                return (null, null, CloseReason.Shutdown);
            }

            ConnectFailed(client, backend, why!);
            tried ??= new BackendState[_retries + 1];
            tried[triedCount++] = backend;
        }

        return (null, null, CloseReason.NoBackend);
    }

    /// <summary>What a failed dial is called in the log: the socket error, or the connect timeout.</summary>
    public string TimedOut() => $"no answer within {_connectTimeout.TotalSeconds:0.###} s";

    /// <summary>
    /// A connection to <paramref name="backend"/> closed: its slot goes to the next waiter, and passive health
    /// hears how the backend did: a reset it caused counts against it; an answer (bytes back) clears its record.
    /// </summary>
    public void Release(BackendState backend, bool backendReset, bool backendAnswered)
    {
        backend.ConnectionClosed();
        _queue.Signal();
        if (backendReset)
        {
            _passive.ReportReset(backend);
        }
        else if (backendAnswered)
        {
            _passive.ReportSuccess(backend);
        }
    }

    private BackendState? Choose(ulong clientHash, ReadOnlySpan<BackendState> tried) =>
        _pool.Choose(new BalancingContext { ClientHash = clientHash, Timestamp = _time.GetTimestamp(), Excluded = tried });

    // Queue only when waiting can help: some healthy, untried backend is merely full.
    private bool HasHealthyBackendAtLimit(ReadOnlySpan<BackendState> tried)
    {
        foreach (BackendState backend in _pool.Current.Primaries.Backends.AsSpan())
        {
            if (backend.IsHealthy && !backend.IsDraining && !tried.Contains(backend) && backend.Options.MaxConnections > 0)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<(Socket? Socket, string? Why)> TryConnectAsync(BackendState backend, CancellationToken cancellationToken)
    {
        // In the backend's own family when it is an address: a dual-mode socket costs one more setsockopt per
        // connection (IPV6_V6ONLY). A name may resolve to either family, so it gets the dual-mode socket.
        Socket socket = backend.Address is IPEndPoint address
            ? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(_connectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        long started = _time.GetTimestamp();
        try
        {
            await socket.ConnectAsync(backend.Address, linked.Token).ConfigureAwait(false);
            Connected(backend, _time.GetElapsedTime(started));
            return (socket, null);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            return (null, exception is SocketException socketError ? socketError.SocketErrorCode.ToString() : TimedOut());
        }
    }
}
