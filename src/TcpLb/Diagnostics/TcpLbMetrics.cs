using System.Diagnostics;
using System.Diagnostics.Metrics;
using TcpLb.Model;

namespace TcpLb.Diagnostics;

/// <summary>
/// TcpLb's instruments, on one <see cref="Meter"/> named <c>TcpLb</c> (OpenTelemetry-style names). Exporting
/// them (Prometheus) comes with the admin endpoint; a <see cref="MeterListener"/> can read them already.
/// Tags name pools and backends, never a client.
/// </summary>
internal sealed class TcpLbMetrics : IDisposable
{
    public const string MeterName = "TcpLb";

    private readonly Meter _meter;
    private readonly Counter<long> _healthTransitions;
    private readonly Counter<long> _ejections;

    public TcpLbMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _healthTransitions = _meter.CreateCounter<long>(
            "tcplb.backend.health.transitions", unit: "{transition}",
            description: "Backends going up or down by active health checks.");
        _ejections = _meter.CreateCounter<long>(
            "tcplb.backend.ejections", unit: "{ejection}",
            description: "Backends ejected by passive health (consecutive connect failures or resets).");
    }

    /// <summary>The meter the instruments live on (a listener can pick exactly these).</summary>
    public Meter Meter => _meter;

    public void HealthTransition(string pool, BackendState backend, bool up) =>
        _healthTransitions.Add(1, new TagList { { "tcplb.pool", pool }, { "tcplb.backend", backend.Name }, { "tcplb.backend.state", up ? "up" : "down" } });

    public void Ejection(string pool, BackendState backend) =>
        _ejections.Add(1, new TagList { { "tcplb.pool", pool }, { "tcplb.backend", backend.Name } });

    public void Dispose() => _meter.Dispose();
}
