using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using TcpLb.Diagnostics;

namespace TcpLb.UnitTests.Diagnostics;

/// <summary>Every measurement one <see cref="TcpLbMetrics"/> instance records, with its tags, for tests to sum.</summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = new();

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

    /// <summary>The sum of what <paramref name="instrument"/> recorded with every tag in <paramref name="tags"/> (<c>key=value</c>).</summary>
    public double Sum(string instrument, params string[] tags) =>
        Matching(instrument, tags).Sum(measurement => measurement.Value);

    /// <summary>How many measurements <paramref name="instrument"/> recorded with those tags (a histogram's count).</summary>
    public int Count(string instrument, params string[] tags) => Matching(instrument, tags).Count();

    /// <summary>Every tag value any measurement carried.</summary>
    public IEnumerable<string?> AllTagValues => _measurements.SelectMany(measurement => measurement.Tags.Values);

    /// <summary>Reads the observable gauges now.</summary>
    public void ObserveGauges() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private IEnumerable<(string Instrument, double Value, Dictionary<string, string?> Tags)> Matching(string instrument, string[] tags) =>
        _measurements.Where(measurement => measurement.Instrument == instrument &&
            tags.All(tag => measurement.Tags.TryGetValue(tag[..tag.IndexOf('=', StringComparison.Ordinal)], out string? value) && value == tag[(tag.IndexOf('=', StringComparison.Ordinal) + 1)..]));

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copied = new Dictionary<string, string?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copied[tag.Key] = tag.Value?.ToString();
        }

        _measurements.Enqueue((instrument.Name, value, copied));
    }
}
