using System.Collections.Immutable;
using TcpLb.Balancing;
using TcpLb.Configuration;

namespace TcpLb.Model;

/// <summary>
/// A listener's backends (HAProxy backend, YARP cluster) and the policy that spreads connections over
/// them. Membership lives in an immutable snapshot swapped with one reference write (reload, DNS); a
/// backend that leaves drains: it takes no new connection, and its open connections are never cut.
/// </summary>
internal sealed class Pool
{
    private static long s_versions;
    private readonly TimeProvider _time;
    private readonly Lock _updates = new();
    private PoolSnapshot _current;

    public Pool(string name, ILoadBalancingPolicy policy, IEnumerable<BackendOptions> backends, TimeProvider time)
    {
        Name = name;
        Policy = policy;
        _time = time;
        _current = PoolSnapshot.Empty;
        SetBackends(backends);
    }

    /// <summary>The pool's name in logs and metrics.</summary>
    public string Name { get; }

    public ILoadBalancingPolicy Policy { get; }

    /// <summary>The current members; read once per choice.</summary>
    public PoolSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Every backend still known: current members and those draining their last connections.</summary>
    public IReadOnlyList<BackendState> All => [.. Current.Primaries.Backends, .. Current.Backups.Backends, .. Current.Draining];

    /// <summary>
    /// Picks a backend: among available primaries, or among backups when no primary is healthy. Null when
    /// none is available (all down, draining, full, or already tried).
    /// </summary>
    public BackendState? Choose(in BalancingContext context)
    {
        PoolSnapshot snapshot = Current;
        if (snapshot.AnyPrimaryHealthy())
        {
            return Policy.Choose(snapshot.Primaries, context);
        }

        return Policy.Choose(snapshot.Backups, context);
    }

    /// <summary>
    /// Makes <paramref name="backends"/> the members. A backend whose options are unchanged keeps its state
    /// (health, connections); a removed one drains; a new one starts up.
    /// </summary>
    public void SetBackends(IEnumerable<BackendOptions> backends)
    {
        lock (_updates)
        {
            PoolSnapshot old = Current;
            var existing = old.Primaries.Backends.Concat(old.Backups.Backends).Concat(old.Draining).ToDictionary(b => b.Options);
            var members = new List<BackendState>();
            foreach (BackendOptions options in backends.Distinct())
            {
                members.Add(existing.Remove(options, out BackendState? kept) && !kept.IsDraining ? kept : new BackendState(options, _time));
            }

            foreach (BackendState leaving in existing.Values)
            {
                leaving.MarkDraining();
            }

            // Draining backends are kept (for status and metrics) until their last connection is gone.
            ImmutableArray<BackendState> draining = [.. existing.Values.Where(b => b.ActiveConnections > 0)];
            long version = Interlocked.Increment(ref s_versions);
            Volatile.Write(ref _current, new PoolSnapshot(
                new PoolTier([.. members.Where(b => !b.IsBackup)], version),
                new PoolTier([.. members.Where(b => b.IsBackup)], version),
                draining));
        }
    }

    /// <summary>Forgets draining backends whose connections have all closed.</summary>
    public void PruneDrained()
    {
        lock (_updates)
        {
            PoolSnapshot old = Current;
            if (old.Draining.Any(b => b.ActiveConnections == 0))
            {
                Volatile.Write(ref _current, old with { Draining = [.. old.Draining.Where(b => b.ActiveConnections > 0)] });
            }
        }
    }
}
