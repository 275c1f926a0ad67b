using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using TcpLb.Diagnostics;

namespace TcpLb.UnitTests.Diagnostics;

/// <summary>
/// Every measurement one <see cref="TcpLbMetrics"/> instance records, with its tags, for tests to sum. Observable
/// instruments (the counters kept in cells, the gauges) are read when asked and count with their latest value per series.
/// </summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = new();
    private readonly ConcurrentDictionary<string, (string Instrument, double Value, Dictionary<string, string?> Tags)> _observed = new();

    public MeasurementRecorder(TcpLbMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The sum of what <paramref name="instrument"/> recorded with every tag in <paramref name="tags"/> (<c>key=value</c>); an observable one is read now.</summary>
    public double Sum(string instrument, params string[] tags) =>
        Matching(instrument, tags).Sum(measurement => measurement.Value);

    /// <summary>How many measurements <paramref name="instrument"/> recorded with those tags (a histogram's count; an observable one's series).</summary>
    public int Count(string instrument, params string[] tags) => Matching(instrument, tags).Count();

    /// <summary>Every tag value any measurement carried.</summary>
    public IEnumerable<string?> AllTagValues
    {
        get
        {
            ObserveGauges();
            return _measurements.Concat(_observed.Values).SelectMany(measurement => measurement.Tags.Values);
        }
    }

    /// <summary>Reads the observable instruments now.</summary>
    public void ObserveGauges() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private IEnumerable<(string Instrument, double Value, Dictionary<string, string?> Tags)> Matching(string instrument, string[] tags)
    {
        ObserveGauges();
        return _measurements.Concat(_observed.Values).Where(measurement => measurement.Instrument == instrument &&
            tags.All(tag => measurement.Tags.TryGetValue(tag[..tag.IndexOf('=', StringComparison.Ordinal)], out string? value) && value == tag[(tag.IndexOf('=', StringComparison.Ordinal) + 1)..]));
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copied = new Dictionary<string, string?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copied[tag.Key] = tag.Value?.ToString();
        }

        if (instrument.IsObservable)
        {
            string series = instrument.Name + " " + string.Join(",", copied.OrderBy(tag => tag.Key, StringComparer.Ordinal).Select(tag => $"{tag.Key}={tag.Value}"));
            _observed[series] = (instrument.Name, value, copied);
        }
        else
        {
            _measurements.Enqueue((instrument.Name, value, copied));
        }
    }
}
