using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace TcpLb.Diagnostics;

/// <summary>
/// A counter whose series are cells the hot path adds to (one interlocked add), read by an observable instrument
/// when the metrics are collected. A <see cref="Counter{T}"/> looks its series up by hashing the tag values on every
/// add; at eight adds per connection that was 4 % of the CPU a short connection costs. Callers take the cell of their
/// series once (<see cref="For(string)"/>) and keep it; the lookup by tag values is the slow path.
/// </summary>
internal sealed class CounterCells
{
    private readonly string[] _tagNames;
    private readonly ConcurrentDictionary<TagValues, CounterCell> _cells = new();

    /// <param name="upDown">An up-down counter (exported as a gauge), else a monotonic one.</param>
    public CounterCells(Meter meter, string name, string unit, string description, bool upDown, params string[] tagNames)
    {
        _tagNames = tagNames;
        if (upDown)
        {
            meter.CreateObservableUpDownCounter(name, Observe, unit, description);
        }
        else
        {
            meter.CreateObservableCounter(name, Observe, unit, description);
        }
    }

    public CounterCell For(string first) => For(new TagValues(first, null, null, null));

    public CounterCell For(string first, string second) => For(new TagValues(first, second, null, null));

    public CounterCell For(string first, string second, string third) => For(new TagValues(first, second, third, null));

    public CounterCell For(string first, string second, string third, string fourth) => For(new TagValues(first, second, third, fourth));

    private CounterCell For(TagValues values) => _cells.GetOrAdd(values, static _ => new CounterCell());

    private IEnumerable<Measurement<long>> Observe()
    {
        foreach ((TagValues values, CounterCell cell) in _cells)
        {
            var tags = new KeyValuePair<string, object?>[_tagNames.Length];
            for (int i = 0; i < tags.Length; i++)
            {
                tags[i] = new(_tagNames[i], values[i]);
            }

            yield return new Measurement<long>(cell.Value, tags);
        }
    }

    private readonly record struct TagValues(string First, string? Second, string? Third, string? Fourth)
    {
        public string? this[int index] => index switch
        {
            0 => First,
            1 => Second,
            2 => Third,
            _ => Fourth,
        };
    }
}

/// <summary>One series of a <see cref="CounterCells"/>: a running total any thread adds to.</summary>
internal sealed class CounterCell
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);
}
