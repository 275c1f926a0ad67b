using System.Net;
using TcpLb.Configuration;

namespace TcpLb.Model;

/// <summary>
/// One backend and its live state, shared by every connection and by the health checks: connections
/// open, whether active checks find it up, whether passive checks ejected it, whether it drains. Reads
/// are lock-free (a policy consults them on every choice); writes are rare except the connection count.
/// </summary>
internal sealed class BackendState
{
    private readonly TimeProvider _time;
    private BackendOptions _options;
    private int _activeConnections;
    private int _checkedUp = 1;
    private long _ejectedUntil;
    private int _draining;
    private long _upSince;

    public BackendState(BackendOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        Name = options.Address switch
        {
            DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            _ => options.Address.ToString() ?? "?",
        };
        _upSince = long.MinValue; // up from the start: no slow start for the first run
    }

    /// <summary>The settings; a reload may replace them (<see cref="Reconfigure"/>), never the address.</summary>
    public BackendOptions Options => Volatile.Read(ref _options);

    /// <summary>
    /// A reload kept this backend (same address) with other settings (weight, limit, slow start, backup): it keeps
    /// its health and connection count. The pool publishes a new snapshot right after, so policies rebuild their tables.
    /// </summary>
    public void Reconfigure(BackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Address.Equals(_options.Address))
        {
            throw new ArgumentException($"a backend keeps its address ({Name}); {options.Address} is another backend", nameof(options));
        }

        Volatile.Write(ref _options, options);
    }

    /// <summary>The address as written in logs and metrics labels.</summary>
    public string Name { get; }

    public EndPoint Address => Options.Address;

    public int Weight => Options.Weight;

    public bool IsBackup => Options.Backup;

    /// <summary>Connections open to this backend now.</summary>
    public int ActiveConnections => Volatile.Read(ref _activeConnections);

    /// <summary>Whether the active health checks find it up (true until a check says otherwise).</summary>
    public bool IsCheckedUp => Volatile.Read(ref _checkedUp) == 1;

    /// <summary>Whether passive checks ejected it and the ejection has not run out.</summary>
    public bool IsEjected
    {
        get
        {
            // Read the clock only for a backend that was ever ejected: this runs on every choice.
            long until = Volatile.Read(ref _ejectedUntil);
            return until != 0 && _time.GetTimestamp() < until;
        }
    }

    /// <summary>Removed from the pool (reload, DNS): no new connections, open ones continue.</summary>
    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Healthy: up by active checks, not ejected by passive ones. Draining backends can be healthy.</summary>
    public bool IsHealthy => IsCheckedUp && !IsEjected;

    /// <summary>May take a new connection now: healthy, not draining, under its connection limit.</summary>
    public bool IsAvailable =>
        IsHealthy && !IsDraining && (Options.MaxConnections == 0 || ActiveConnections < Options.MaxConnections);

    /// <summary>
    /// The weight a policy should use at <paramref name="timestamp"/>: during slow start it grows linearly
    /// from 1 to <see cref="Weight"/>, so a recovered backend is not flooded (HAProxy's <c>slowstart</c>).
    /// </summary>
    public int EffectiveWeight(long timestamp)
    {
        TimeSpan ramp = Options.SlowStart;
        long since = Volatile.Read(ref _upSince);
        if (ramp <= TimeSpan.Zero || since == long.MinValue)
        {
            return Weight;
        }

        TimeSpan elapsed = _time.GetElapsedTime(since, timestamp);
        if (elapsed >= ramp)
        {
            return Weight;
        }

        return Math.Max(1, (int)(Weight * (elapsed.Ticks / (double)ramp.Ticks)));
    }

    public void ConnectionOpened() => Interlocked.Increment(ref _activeConnections);

    /// <summary>
    /// Counts a new connection only while under <see cref="BackendOptions.MaxConnections"/>: concurrent
    /// choices may all see one free slot, and only one of them may take it.
    /// </summary>
    public bool TryOpenConnection()
    {
        int limit = Options.MaxConnections;
        while (true)
        {
            int current = Volatile.Read(ref _activeConnections);
            if (limit > 0 && current >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _activeConnections, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _activeConnections);

    /// <summary>Records an active-check verdict; true when it changed the state (the caller logs the transition once).</summary>
    public bool SetCheckedUp(bool up)
    {
        bool changed = Interlocked.Exchange(ref _checkedUp, up ? 1 : 0) != (up ? 1 : 0);
        if (changed && up)
        {
            Volatile.Write(ref _upSince, _time.GetTimestamp()); // slow start counts from recovery
        }

        return changed;
    }

    /// <summary>Ejects until <paramref name="until"/> (a <see cref="TimeProvider"/> timestamp), or lifts the ejection with 0.</summary>
    public void EjectUntil(long until)
    {
        bool wasEjected = IsEjected;
        Volatile.Write(ref _ejectedUntil, until);
        if (wasEjected && until == 0)
        {
            Volatile.Write(ref _upSince, _time.GetTimestamp());
        }
    }

    public void MarkDraining() => Volatile.Write(ref _draining, 1);

    public override string ToString() => Name;
}
