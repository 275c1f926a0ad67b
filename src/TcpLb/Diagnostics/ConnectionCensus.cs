namespace TcpLb.Diagnostics;

/// <summary>
/// The open connections of each listener as the last sweep counted them: how many are in each state, and when the
/// oldest was accepted. Built whole by the sweep and swapped in with one reference write; the gauges read it.
/// </summary>
internal sealed class ConnectionCensus
{
    /// <summary>The states, as the <c>tcplb.connection.state</c> tag writes them, in the order a connection lives them.</summary>
    public static readonly IReadOnlyList<string> States = ["waiting_for_header", "waiting_for_first_bytes", "connecting", "established", "half_closed"];

    private readonly Dictionary<string, Listener> _listeners = [];

    /// <summary>No connection anywhere (before the first sweep).</summary>
    public static ConnectionCensus Empty { get; } = new();

    /// <summary>The listeners that had a connection open at the sweep.</summary>
    public IEnumerable<string> Listeners => _listeners.Keys;

    /// <summary>Counts one connection of <paramref name="listener"/> in the state at <paramref name="state"/> of <see cref="States"/>.</summary>
    public void Count(string listener, int state, long startTimestamp)
    {
        if (!_listeners.TryGetValue(listener, out Listener? counts))
        {
            counts = new Listener(startTimestamp);
            _listeners.Add(listener, counts);
        }

        counts.ByState[state]++;
        counts.OldestStart = Math.Min(counts.OldestStart, startTimestamp);
    }

    /// <summary>The connections of <paramref name="listener"/> in the state at <paramref name="state"/> (0 when none).</summary>
    public int InState(string listener, int state) => _listeners.TryGetValue(listener, out Listener? counts) ? counts.ByState[state] : 0;

    /// <summary>When the oldest open connection of <paramref name="listener"/> was accepted (a <see cref="TimeProvider"/> timestamp), or null.</summary>
    public long? OldestStart(string listener) => _listeners.TryGetValue(listener, out Listener? counts) ? counts.OldestStart : null;

    private sealed class Listener(long oldestStart)
    {
        public int[] ByState { get; } = new int[States.Count];

        public long OldestStart { get; set; } = oldestStart;
    }
}
