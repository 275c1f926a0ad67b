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
    private readonly Counter<long> _accepted;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _closed;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _connectDuration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _proxySent;
    private readonly Counter<long> _proxyAccepted;
    private readonly Counter<long> _proxyRejected;
    private readonly Counter<long> _routed;
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
        _accepted = _meter.CreateCounter<long>(
            "tcplb.connection.accepted", unit: "{connection}",
            description: "Client connections accepted by a listener.");
        _active = _meter.CreateUpDownCounter<long>(
            "tcplb.connection.active", unit: "{connection}",
            description: "Client connections open now, per listener.");
        _closed = _meter.CreateCounter<long>(
            "tcplb.connection.closed", unit: "{connection}",
            description: "Client connections closed, by how they ended (tcplb.close.reason).");
        _duration = _meter.CreateHistogram(
            "tcplb.connection.duration", unit: "s",
            description: "How long client connections lasted, from accept to close.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });
        _bytes = _meter.CreateCounter<long>(
            "tcplb.io", unit: "By",
            description: "Bytes forwarded, by direction (client_to_backend, backend_to_client); added every few seconds while a connection is open, the rest when it closes.");
        _connectDuration = _meter.CreateHistogram(
            "tcplb.backend.connect.duration", unit: "s",
            description: "Time to establish a TCP connection to a backend (successful connects).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_connectBuckets });
        _retries = _meter.CreateCounter<long>(
            "tcplb.backend.connect.retries", unit: "{retry}",
            description: "Connects tried on another backend after a refused or timed-out one.");
        _proxySent = _meter.CreateCounter<long>(
            "tcplb.proxy.headers.sent", unit: "{header}",
            description: "PROXY headers sent to backends, by version.");
        _proxyAccepted = _meter.CreateCounter<long>(
            "tcplb.proxy.headers.accepted", unit: "{header}",
            description: "PROXY headers accepted from trusted upstreams.");
        _proxyRejected = _meter.CreateCounter<long>(
            "tcplb.proxy.headers.rejected", unit: "{header}",
            description: "Connections from trusted upstreams closed for their PROXY header, by reason.");
        _routed = _meter.CreateCounter<long>(
            "tcplb.route.connections", unit: "{connection}",
            description: "Connections a listener's route took (tcplb.route: its match, or default), with the pool it sends to.");
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

    public void ConnectionAccepted(string listener)
    {
        var tags = new TagList { { "tcplb.listener", listener } };
        _accepted.Add(1, tags);
        _active.Add(1, tags);
    }

    /// <summary>One closed connection: its reason and its duration (its bytes go through <see cref="BytesForwarded"/>).</summary>
    public void ConnectionClosed(string listener, string reason, TimeSpan duration)
    {
        var listenerTag = new TagList { { "tcplb.listener", listener } };
        _active.Add(-1, listenerTag);
        _closed.Add(1, new TagList { { "tcplb.listener", listener }, { "tcplb.close.reason", reason } });
        _duration.Record(duration.TotalSeconds, new TagList { { "tcplb.listener", listener }, { "tcplb.close.reason", reason } });
    }

    /// <summary>Bytes a connection forwarded since they were last added, each way (the engines count them without instruments).</summary>
    public void BytesForwarded(string listener, string pool, string backend, long clientToBackend, long backendToClient)
    {
        if (clientToBackend > 0)
        {
            _bytes.Add(clientToBackend, new TagList { { "tcplb.listener", listener }, { "tcplb.pool", pool }, { "tcplb.backend", backend }, { "tcplb.direction", "client_to_backend" } });
        }

        if (backendToClient > 0)
        {
            _bytes.Add(backendToClient, new TagList { { "tcplb.listener", listener }, { "tcplb.pool", pool }, { "tcplb.backend", backend }, { "tcplb.direction", "backend_to_client" } });
        }
    }

    public void BackendConnected(string pool, BackendState backend, TimeSpan elapsed) =>
        _connectDuration.Record(elapsed.TotalSeconds, new TagList { { "tcplb.pool", pool }, { "tcplb.backend", backend.Name } });

    public void ConnectRetried(string pool) => _retries.Add(1, new TagList { { "tcplb.pool", pool } });

    public void ConnectionRouted(string listener, string route, string pool) =>
        _routed.Add(1, new TagList { { "tcplb.listener", listener }, { "tcplb.route", route }, { "tcplb.pool", pool } });

    public void ProxyHeaderSent(string listener, string version) =>
        _proxySent.Add(1, new TagList { { "tcplb.listener", listener }, { "tcplb.proxy.version", version } });

    public void ProxyHeaderAccepted(string listener) => _proxyAccepted.Add(1, new TagList { { "tcplb.listener", listener } });

    public void ProxyHeaderRejected(string listener, string reason) =>
        _proxyRejected.Add(1, new TagList { { "tcplb.listener", listener }, { "tcplb.proxy.reject_reason", reason } });

    public void Dispose() => _meter.Dispose();

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
