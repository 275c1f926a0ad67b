using System.Diagnostics;
using System.Diagnostics.Metrics;
using TcpLb.Balancing;
using TcpLb.Model;

namespace TcpLb.Diagnostics;

/// <summary>
/// TcpLb's instruments, on one <see cref="Meter"/> named <c>TcpLb</c> (OpenTelemetry-style names; the admin
/// endpoint exports them for Prometheus). Everything is recorded once per connection or per event, never per
/// read or write; bytes are added by a sweep every few seconds while a connection is open and the rest at its close. Tags name listeners, pools, backends and reasons, never a client: a client address as a tag
/// would make one series per client.
/// </summary>
internal sealed class TcpLbMetrics : IDisposable
{
    public const string MeterName = "TcpLb";

    // Connect latency on a LAN is sub-millisecond to a few ms; the top buckets catch a backend that hangs up to the connect timeout.
    private static readonly double[] s_connectBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    // Connections live from milliseconds (HTTP/1.0) to hours (WebSockets).
    private static readonly double[] s_durationBuckets = [0.01, 0.1, 1, 10, 60, 300, 1800, 3600, 21600, 86400];

    private readonly Meter _meter;
    private readonly Counter<long> _healthTransitions;
    private readonly Counter<long> _ejections;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _connectDuration;
    private readonly Counter<long> _retries;
    private Func<IEnumerable<(Pool Pool, int QueueLength)>> _pools = static () => [];
    private Func<ConnectionCensus> _census = static () => ConnectionCensus.Empty;
    private TimeProvider _time = TimeProvider.System;

    public TcpLbMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _healthTransitions = _meter.CreateCounter<long>(
            "tcplb.backend.health.transitions", unit: "{transition}",
            description: "Backends going up or down by active health checks.");
        _ejections = _meter.CreateCounter<long>(
            "tcplb.backend.ejections", unit: "{ejection}",
            description: "Backends ejected by passive health (consecutive connect failures or resets).");
        Accepted = new CounterCells(_meter,
            "tcplb.connection.accepted", "{connection}",
            "Client connections accepted by a listener.", upDown: false, "tcplb.listener");
        Active = new CounterCells(_meter,
            "tcplb.connection.active", "{connection}",
            "Client connections open now, per listener.", upDown: true, "tcplb.listener");
        Closed = new CounterCells(_meter,
            "tcplb.connection.closed", "{connection}",
            "Client connections closed, by how they ended (tcplb.close.reason).", upDown: false, "tcplb.listener", "tcplb.close.reason");
        _duration = _meter.CreateHistogram(
            "tcplb.connection.duration", unit: "s",
            description: "How long client connections lasted, from accept to close.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });
        Bytes = new CounterCells(_meter,
            "tcplb.io", "By",
            "Bytes forwarded, by direction (client_to_backend, backend_to_client); added every few seconds while a connection is open, the rest when it closes.",
            upDown: false, "tcplb.listener", "tcplb.pool", "tcplb.backend", "tcplb.direction");
        _connectDuration = _meter.CreateHistogram(
            "tcplb.backend.connect.duration", unit: "s",
            description: "Time to establish a TCP connection to a backend (successful connects).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_connectBuckets });
        _retries = _meter.CreateCounter<long>(
            "tcplb.backend.connect.retries", unit: "{retry}",
            description: "Connects tried on another backend after a refused or timed-out one.");
        ProxySent = new CounterCells(_meter,
            "tcplb.proxy.headers.sent", "{header}",
            "PROXY headers sent to backends, by version.", upDown: false, "tcplb.listener", "tcplb.proxy.version");
        ProxyAccepted = new CounterCells(_meter,
            "tcplb.proxy.headers.accepted", "{header}",
            "PROXY headers accepted from trusted upstreams.", upDown: false, "tcplb.listener");
        ProxyRejected = new CounterCells(_meter,
            "tcplb.proxy.headers.rejected", "{header}",
            "Connections from trusted upstreams closed for their PROXY header, by reason.", upDown: false, "tcplb.listener", "tcplb.proxy.reject_reason");
        Routed = new CounterCells(_meter,
            "tcplb.route.connections", "{connection}",
            "Connections a listener's route took (tcplb.route: its match, or default), with the pool it sends to.", upDown: false, "tcplb.listener", "tcplb.route", "tcplb.pool");
        _meter.CreateObservableGauge(
            "tcplb.backend.state", ObserveBackendStates, unit: "{state}",
            description: "1 for the state each backend is in (up, down, ejected, draining), 0 for the others.");
        _meter.CreateObservableGauge(
            "tcplb.backend.active_connections", ObserveBackendConnections, unit: "{connection}",
            description: "Connections open to each backend now.");
        _meter.CreateObservableGauge(
            "tcplb.pool.queue.length", ObserveQueues, unit: "{connection}",
            description: "Connections waiting for a backend slot (every healthy backend at its max-conn).");
        _meter.CreateObservableGauge(
            "tcplb.connection.open", ObserveStates, unit: "{connection}",
            description: "Connections open, per listener and state (waiting_for_header, waiting_for_first_bytes, connecting, established, half_closed), as counted every few seconds.");
        _meter.CreateObservableGauge(
            "tcplb.connection.oldest_age", ObserveOldest, unit: "s",
            description: "Age of the oldest open connection of each listener (0 when none is open), as found every few seconds.");
    }

    /// <summary>The meter the instruments live on (a listener can pick exactly these).</summary>
    public Meter Meter => _meter;

    // The per-connection counters, as cells the hot path keeps (Forwarding/ConnectionTelemetry holds its listener's).

    /// <summary><c>tcplb.connection.accepted</c>, by <c>tcplb.listener</c>.</summary>
    public CounterCells Accepted { get; }

    /// <summary><c>tcplb.connection.active</c>, by <c>tcplb.listener</c>: +1 at accept, -1 at close.</summary>
    public CounterCells Active { get; }

    /// <summary><c>tcplb.connection.closed</c>, by <c>tcplb.listener</c> and <c>tcplb.close.reason</c>.</summary>
    public CounterCells Closed { get; }

    /// <summary><c>tcplb.io</c>, by <c>tcplb.listener</c>, <c>tcplb.pool</c>, <c>tcplb.backend</c> and <c>tcplb.direction</c>.</summary>
    public CounterCells Bytes { get; }

    /// <summary><c>tcplb.route.connections</c>, by <c>tcplb.listener</c>, <c>tcplb.route</c> and <c>tcplb.pool</c>.</summary>
    public CounterCells Routed { get; }

    /// <summary><c>tcplb.proxy.headers.sent</c>, by <c>tcplb.listener</c> and <c>tcplb.proxy.version</c>.</summary>
    public CounterCells ProxySent { get; }

    /// <summary><c>tcplb.proxy.headers.accepted</c>, by <c>tcplb.listener</c>.</summary>
    public CounterCells ProxyAccepted { get; }

    /// <summary><c>tcplb.proxy.headers.rejected</c>, by <c>tcplb.listener</c> and <c>tcplb.proxy.reject_reason</c>.</summary>
    public CounterCells ProxyRejected { get; }

    /// <summary>
    /// Where the observable gauges read the pools and their queues from; the server calls it once its pools
    /// exist. A delegate rather than a list, so pools built later (reload) are seen.
    /// </summary>
    public void ObservePools(Func<IEnumerable<(Pool Pool, int QueueLength)>> pools) => _pools = pools;

    /// <summary>Where the connection gauges read the last census from, and the clock their ages are measured with.</summary>
    public void ObserveConnections(Func<ConnectionCensus> census, TimeProvider time)
    {
        _census = census;
        _time = time;
    }

    public void HealthTransition(string pool, BackendState backend, bool up) =>
        _healthTransitions.Add(1, new TagList { { "tcplb.pool", pool }, { "tcplb.backend", backend.Name }, { "tcplb.backend.state", up ? "up" : "down" } });

    public void Ejection(string pool, BackendState backend) =>
        _ejections.Add(1, new TagList { { "tcplb.pool", pool }, { "tcplb.backend", backend.Name } });

    /// <summary>How long one closed connection lasted, by its reason (the counters go through their cells).</summary>
    public void ConnectionLasted(string listener, string reason, TimeSpan duration) =>
        _duration.Record(duration.TotalSeconds, new TagList { { "tcplb.listener", listener }, { "tcplb.close.reason", reason } });

    /// <summary>Bytes a connection forwarded since they were last added, each way (the engines count them without instruments).</summary>
    public void BytesForwarded(string listener, string pool, string backend, long clientToBackend, long backendToClient)
    {
        if (clientToBackend > 0)
        {
            Bytes.For(listener, pool, backend, Directions.ClientToBackend).Add(clientToBackend);
        }

        if (backendToClient > 0)
        {
            Bytes.For(listener, pool, backend, Directions.BackendToClient).Add(backendToClient);
        }
    }

    public void BackendConnected(string pool, BackendState backend, TimeSpan elapsed) =>
        _connectDuration.Record(elapsed.TotalSeconds, new TagList { { "tcplb.pool", pool }, { "tcplb.backend", backend.Name } });

    public void ConnectRetried(string pool) => _retries.Add(1, new TagList { { "tcplb.pool", pool } });

    public void Dispose() => _meter.Dispose();

    /// <summary>The values of the <c>tcplb.direction</c> tag of <c>tcplb.io</c>.</summary>
    public static class Directions
    {
        public const string ClientToBackend = "client_to_backend";
        public const string BackendToClient = "backend_to_client";
    }

    private IEnumerable<Measurement<int>> ObserveBackendStates()
    {
        foreach ((Pool pool, _) in _pools())
        {
            foreach (BackendState backend in pool.All)
            {
                string state = BackendStatus.Of(backend);
                foreach (string candidate in BackendStatus.All)
                {
                    yield return new Measurement<int>(candidate == state ? 1 : 0,
                        new KeyValuePair<string, object?>("tcplb.pool", pool.Name),
                        new KeyValuePair<string, object?>("tcplb.backend", backend.Name),
                        new KeyValuePair<string, object?>("tcplb.backend.state", candidate));
                }
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveBackendConnections()
    {
        foreach ((Pool pool, _) in _pools())
        {
            foreach (BackendState backend in pool.All)
            {
                yield return new Measurement<int>(backend.ActiveConnections,
                    new KeyValuePair<string, object?>("tcplb.pool", pool.Name),
                    new KeyValuePair<string, object?>("tcplb.backend", backend.Name));
            }
        }
    }

    // Every listener with a pool or with an open connection (a removed listener's drain), so a quiet one reads 0.
    private IEnumerable<string> ListenersToObserve(ConnectionCensus census) => _pools().Select(pool => pool.Pool.Name).Union(census.Listeners);

    private IEnumerable<Measurement<int>> ObserveStates()
    {
        ConnectionCensus census = _census();
        foreach (string listener in ListenersToObserve(census))
        {
            for (int state = 0; state < ConnectionCensus.States.Count; state++)
            {
                yield return new Measurement<int>(census.InState(listener, state),
                    new KeyValuePair<string, object?>("tcplb.listener", listener),
                    new KeyValuePair<string, object?>("tcplb.connection.state", ConnectionCensus.States[state]));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveOldest()
    {
        ConnectionCensus census = _census();
        foreach (string listener in ListenersToObserve(census))
        {
            double age = census.OldestStart(listener) is { } start ? _time.GetElapsedTime(start).TotalSeconds : 0;
            yield return new Measurement<double>(age, new KeyValuePair<string, object?>("tcplb.listener", listener));
        }
    }

    private IEnumerable<Measurement<int>> ObserveQueues()
    {
        foreach ((Pool pool, int queueLength) in _pools())
        {
            yield return new Measurement<int>(queueLength, new KeyValuePair<string, object?>("tcplb.pool", pool.Name));
        }
    }
}
