using TcpLb.Diagnostics;
using TcpLb.Model;

namespace TcpLb.Forwarding;

/// <summary>
/// Every few seconds, looks at each open connection once: adds the bytes it forwarded since the last look to the
/// metrics (per listener, pool and backend), and counts the connections by state with the oldest one's age. So a
/// WebSocket open for hours shows its throughput while it lives, at no cost to the engines: they only keep their
/// byte counts, which this reads without a lock; the close adds what is left (<see cref="PublishedTraffic"/>).
/// </summary>
/// <remarks>
/// The cost is one pass over the registry's snapshot per interval, O(open connections), on a timer thread; an idle
/// connection costs two reads of its counts. Up to <see cref="Interval"/> of bytes is late in a scrape, never lost.
/// </remarks>
internal sealed class LiveTrafficSweep : IDisposable
{
    /// <summary>How often: shorter than Prometheus' usual 15 s scrape, long enough to cost nothing.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly ConnectionRegistry _registry;
    private readonly TcpLbMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly Lock _sweeping = new(); // a sweep called by hand (tests) never overlaps the timer's
    private ConnectionCensus _census = ConnectionCensus.Empty;
    private ITimer? _timer;

    public LiveTrafficSweep(ConnectionRegistry registry, TcpLbMetrics metrics, TimeProvider time)
    {
        _registry = registry;
        _metrics = metrics;
        _time = time;
        metrics.ObserveConnections(() => Volatile.Read(ref _census), time);
    }

    /// <summary>Sweeps every <see cref="Interval"/> from now on.</summary>
    public void Start() => _timer ??= _time.CreateTimer(static state => ((LiveTrafficSweep)state!).Sweep(), this, Interval, Interval);

    /// <summary>One look at every open connection: their new bytes into the metrics, and a new census.</summary>
    public void Sweep()
    {
        lock (_sweeping)
        {
            var census = new ConnectionCensus();
            foreach (IOpenConnection connection in _registry.Snapshot())
            {
                ConnectionPhase phase = connection.Phase;
                string listener = connection.Listener.Name;
                census.Count(listener, (int)phase, connection.StartTimestamp);

                // Bytes are tagged with the backend that carries them: only once it is the last one (a dial may move on).
                if (phase is ConnectionPhase.Established or ConnectionPhase.HalfClosed && connection.CurrentBackend is BackendState backend)
                {
                    (long fromClient, long fromBackend) = connection.Traffic.Advance(connection.BytesFromClient, connection.BytesFromBackend);
                    _metrics.BytesForwarded(listener, backend.Pool, backend.Name, fromClient, fromBackend);
                }
            }

            Volatile.Write(ref _census, census);
        }
    }

    public void Dispose() => _timer?.Dispose();
}
