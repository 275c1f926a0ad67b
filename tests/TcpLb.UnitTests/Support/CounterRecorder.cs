using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using TcpLb.Diagnostics;

namespace TcpLb.UnitTests.Support;

/// <summary>Records one counter of one <see cref="TcpLbMetrics"/> instance as "backend state" strings, one per increment.</summary>
internal sealed class CounterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<string> _recorded = new();

    public CounterRecorder(TcpLbMetrics metrics, string instrumentName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string backend = string.Empty, state = string.Empty;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                backend = tag.Key == "tcplb.backend" ? (string)tag.Value! : backend;
                state = tag.Key == "tcplb.backend.state" ? (string)tag.Value! : state;
            }

            for (long i = 0; i < value; i++)
            {
                _recorded.Enqueue($"{backend} {state}");
            }
        });
        _listener.Start();
    }

    public IReadOnlyList<string> Recorded => [.. _recorded];

    public void Dispose() => _listener.Dispose();
}
