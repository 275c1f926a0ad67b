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
    private readonly RefusalLog _refusals;
    private readonly TcpLbMetrics _metrics;

    public BackendConnector(Pool pool, PassiveHealthMonitor passive, BackendSlotQueue queue, int retries, TimeSpan connectTimeout, TimeProvider time, ILogger logger, TcpLbMetrics metrics)
    {
        _metrics = metrics;
        _pool = pool;
        _passive = passive;
        _queue = queue;
        _retries = retries;
        _connectTimeout = connectTimeout;
        _time = time;
        _refusals = new RefusalLog(logger, time);
    }

    public Pool Pool => _pool;

    /// <summary>Connections waiting for a backend slot.</summary>
    public int QueueLength => _queue.Length;

    /// <summary>A connected socket and its backend (whose connection count now includes it), or why there is none.</summary>
    public async Task<(Socket? Socket, BackendState? Backend, CloseReason Failure)> ConnectAsync(IPEndPoint client, ulong clientHash, CancellationToken cancellationToken)
    {
        BackendState[]? tried = null; // allocated only after a failed connect: the common path allocates nothing here
        int triedCount = 0;
        int lostRaces = 0;
        while (triedCount <= _retries)
        {
            BackendState? backend = Choose(clientHash, tried.AsSpan(0, triedCount));
            if (backend is null)
            {
                if (!HasHealthyBackendAtLimit(tried.AsSpan(0, triedCount)))
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

            // Counted before the connect, so concurrent choices see the load; losing the last slot to one of them means choosing again.
            if (!backend.TryOpenConnection())
            {
                if (++lostRaces > MaxLostRaces)
                {
                    return (null, null, CloseReason.NoBackend);
                }

                continue;
            }

            if (triedCount > 0)
            {
                _metrics.ConnectRetried(_pool.Name);
            }

            Socket? socket = await TryConnectAsync(client, backend, cancellationToken).ConfigureAwait(false);
            if (socket is not null)
            {
                // Not yet a success for passive health: a router that accepts and then resets must still be ejected.
                return (socket, backend, CloseReason.None);
            }

            Release(backend, backendReset: false, backendAnswered: false);
            if (cancellationToken.IsCancellationRequested)
            {
                return (null, null, CloseReason.Shutdown);
            }

            _passive.ReportConnectFailure(backend);
            tried ??= new BackendState[_retries + 1];
            tried[triedCount++] = backend;
        }

        return (null, null, CloseReason.NoBackend);
    }

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

    private async Task<Socket?> TryConnectAsync(IPEndPoint client, BackendState backend, CancellationToken cancellationToken)
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
            _metrics.BackendConnected(_pool.Name, backend, _time.GetElapsedTime(started));
            return socket;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            if (!cancellationToken.IsCancellationRequested)
            {
                string why = exception is SocketException socketError ? socketError.SocketErrorCode.ToString() : $"no answer within {_connectTimeout.TotalSeconds:0.###} s";
                _refusals.ConnectFailed(client, backend.Address, why);
            }

            return null;
        }
    }
}
