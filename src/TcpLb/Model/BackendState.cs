using System.Net;
using TcpLb.Configuration;

namespace TcpLb.Model;

/// <summary>
/// One backend and its live state, shared by every connection and by the health checks: connections
/// open, whether active checks find it up, whether passive checks ejected it, whether it drains. Reads
/// are lock-free (a policy consults them on every choice); writes are rare except the connection count.
/// Every change that can alter a load-ordered index (count, health, ejection, drain) is told to the
/// indexes subscribed with <see cref="Subscribe"/>; what changes with time alone, <see cref="ReadLoad"/> says when.
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
    private string? _resolutionFailure;
    private LoadSubscription[] _subscriptions = [];

    public BackendState(BackendOptions options, TimeProvider time, string pool = "")
    {
        _options = options;
        _time = time;
        Pool = pool;
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
        NotifyLoadChanged(); // its weight or limit may have changed
    }

    /// <summary>The address as written in logs and metrics labels.</summary>
    public string Name { get; }

    /// <summary>The pool it belongs to (a backend state belongs to one pool): the <c>pool</c> label of its bytes.</summary>
    public string Pool { get; }

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

    /// <summary>Why the backend's host name does not resolve (Health/NameResolutionCheck); null when it does or is an address.</summary>
    public string? ResolutionFailure => Volatile.Read(ref _resolutionFailure);

    /// <summary>Healthy: up by active checks, not ejected by passive ones, its name (if any) resolves. Draining backends can be healthy.</summary>
    public bool IsHealthy => IsCheckedUp && !IsEjected && ResolutionFailure is null;

    /// <summary>May take a new connection now: healthy, not draining, under its connection limit.</summary>
    public bool IsAvailable => CanTakeConnection(IsEjected, ActiveConnections);

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

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _activeConnections);
        NotifyLoadChanged();
    }

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
                NotifyLoadChanged();
                return true;
            }
        }
    }

    public void ConnectionClosed()
    {
        Interlocked.Decrement(ref _activeConnections);
        NotifyLoadChanged();
    }

    /// <summary>Records an active-check verdict; true when it changed the state (the caller logs the transition once).</summary>
    public bool SetCheckedUp(bool up)
    {
        bool changed = Interlocked.Exchange(ref _checkedUp, up ? 1 : 0) != (up ? 1 : 0);
        if (changed && up)
        {
            Volatile.Write(ref _upSince, _time.GetTimestamp()); // slow start counts from recovery
        }

        if (changed)
        {
            NotifyLoadChanged();
        }

        return changed;
    }

    /// <summary>Records whether the host name resolves (<paramref name="failure"/> null: it does); true when that changed.</summary>
    public bool SetResolution(string? failure)
    {
        bool changed = (Interlocked.Exchange(ref _resolutionFailure, failure) is null) != (failure is null);
        if (changed)
        {
            NotifyLoadChanged();
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

        NotifyLoadChanged();
    }

    public void MarkDraining()
    {
        Volatile.Write(ref _draining, 1);
        NotifyLoadChanged();
    }

    /// <summary>
    /// Everything a load-ordered index needs in one read: whether the backend may take a connection, its
    /// connections and effective weight, and the timestamp from which the answer may change with no event
    /// (an ejection running out, a slow-start step); <see cref="long.MaxValue"/> when only an event changes it.
    /// The clock is read only for a backend that was ever ejected or is ramping up.
    /// </summary>
    public LoadReading ReadLoad()
    {
        long ejectedUntil = Volatile.Read(ref _ejectedUntil);
        long upSince = Volatile.Read(ref _upSince);
        TimeSpan ramp = Options.SlowStart;
        bool mayRamp = ramp > TimeSpan.Zero && upSince != long.MinValue;
        long now = ejectedUntil != 0 || mayRamp ? _time.GetTimestamp() : 0;

        int connections = ActiveConnections;
        int weight = Math.Max(1, mayRamp ? EffectiveWeight(now) : Weight);
        bool ejected = ejectedUntil != 0 && now < ejectedUntil;
        bool available = CanTakeConnection(ejected, connections);

        long recheckAt = long.MaxValue;
        if (ejected)
        {
            recheckAt = ejectedUntil;
        }
        else if (weight < Weight)
        {
            // The weight becomes weight + 1 once (weight + 1) / Weight of the ramp has passed since the recovery: look
            // again then (rounded up: a look that still came a tick early finds the same step and looks again).
            double nextStepSeconds = ramp.TotalSeconds * (weight + 1) / Weight;
            recheckAt = upSince + (long)Math.Ceiling(nextStepSeconds * _time.TimestampFrequency);
        }

        return new LoadReading(available, connections, weight, recheckAt);
    }

    // The one availability rule, for the ejection and count the caller read (ReadLoad reads them once for both uses).
    private bool CanTakeConnection(bool ejected, int connections) =>
        IsCheckedUp && ResolutionFailure is null && !ejected && !IsDraining && (Options.MaxConnections == 0 || connections < Options.MaxConnections);

    /// <summary>Tells <paramref name="observer"/> (as its <paramref name="slot"/>) of every change from now on.</summary>
    public void Subscribe(IBackendLoadObserver observer, int slot)
    {
        var subscription = new LoadSubscription(observer, slot);
        while (true)
        {
            LoadSubscription[] current = Volatile.Read(ref _subscriptions);
            if (Interlocked.CompareExchange(ref _subscriptions, [.. current, subscription], current) == current)
            {
                return;
            }
        }
    }

    /// <summary>Stops telling <paramref name="observer"/> of changes.</summary>
    public void Unsubscribe(IBackendLoadObserver observer)
    {
        while (true)
        {
            LoadSubscription[] current = Volatile.Read(ref _subscriptions);
            LoadSubscription[] remaining = [.. current.Where(s => s.Observer != observer)];
            if (Interlocked.CompareExchange(ref _subscriptions, remaining, current) == current)
            {
                return;
            }
        }
    }

    private void NotifyLoadChanged()
    {
        foreach (LoadSubscription subscription in Volatile.Read(ref _subscriptions))
        {
            subscription.Observer.LoadChanged(subscription.Slot);
        }
    }

    private sealed record LoadSubscription(IBackendLoadObserver Observer, int Slot);

    public override string ToString() => Name;
}
