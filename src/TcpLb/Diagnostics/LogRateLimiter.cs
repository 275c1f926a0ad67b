using System.Collections.Concurrent;

namespace TcpLb.Diagnostics;

/// <summary>
/// One log line per key per interval, for lines a peer can trigger at will (a flood of bad headers must not become
/// a flood of lines). The first event of a key is let through at once; the others within the interval are only
/// counted, and the next one let through says how many there were. Keys name reasons, never peers, so they are
/// few; past <see cref="MaxKeys"/> (backends come and go with DNS) the oldest counts are forgotten, not the bound.
/// </summary>
internal sealed class LogRateLimiter(TimeProvider time, TimeSpan interval)
{
    /// <summary>The most keys remembered at once.</summary>
    public const int MaxKeys = 256;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>The interval one key logs at most once in.</summary>
    public TimeSpan Interval => interval;

    /// <summary>
    /// True when a line for <paramref name="key"/> may be written now; <paramref name="suppressed"/> is how many
    /// were held back since the last one written. False (the event is counted) while the key's interval runs.
    /// </summary>
    public bool TryAcquire(string key, out int suppressed)
    {
        if (!_windows.TryGetValue(key, out Window? window))
        {
            if (_windows.Count >= MaxKeys)
            {
                _windows.Clear();
            }

            window = _windows.GetOrAdd(key, static _ => new Window());
        }

        long now = time.GetTimestamp();
        lock (window)
        {
            if (window.LastWritten != long.MinValue && time.GetElapsedTime(window.LastWritten, now) < interval)
            {
                window.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = window.Suppressed;
            window.Suppressed = 0;
            window.LastWritten = now;
            return true;
        }
    }

    private sealed class Window
    {
        public long LastWritten = long.MinValue;
        public int Suppressed;
    }
}
