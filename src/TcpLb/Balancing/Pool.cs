using System.Collections.Immutable;
using System.Net;
using TcpLb.Configuration;
using TcpLb.Model;

namespace TcpLb.Balancing;

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
    private ILoadBalancingPolicy _policy;

    public Pool(string name, ILoadBalancingPolicy policy, IEnumerable<BackendOptions> backends, TimeProvider time)
    {
        Name = name;
        _policy = policy;
        _time = time;
        _current = PoolSnapshot.Empty;
        SetBackends(backends);
    }

    /// <summary>The pool's name in logs and metrics.</summary>
    public string Name { get; }

    /// <summary>The balancing policy; a reload may swap it (<see cref="SetPolicy"/>).</summary>
    public ILoadBalancingPolicy Policy => Volatile.Read(ref _policy);

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
        BackendState? chosen = Choose(snapshot, context);

        // A reload or a DNS change may have swapped the members after this choice read them, and the old ones now
        // drain: choose among the new ones (bounded: members rarely change twice within one choice).
        for (int retry = 0; chosen is null && retry < 3 && !ReferenceEquals(Current, snapshot); retry++)
        {
            snapshot = Current;
            chosen = Choose(snapshot, context);
        }

        return chosen;
    }

    private BackendState? Choose(PoolSnapshot snapshot, in BalancingContext context)
    {
        ILoadBalancingPolicy policy = Policy;
        return policy.Choose(snapshot.AnyPrimaryHealthy() ? snapshot.Primaries : snapshot.Backups, context);
    }

    /// <summary>
    /// Makes <paramref name="backends"/> the members, matched to the current ones by address: a backend that stays
    /// keeps its state (health, connections) even when its settings (weight, limit, slow start, backup) change; a
    /// removed one drains; a new one starts up. A later entry with an address already listed is ignored.
    /// </summary>
    public void SetBackends(IEnumerable<BackendOptions> backends)
    {
        lock (_updates)
        {
            PoolSnapshot old = Current;
            var staying = new Dictionary<EndPoint, BackendState>();
            foreach (BackendState backend in old.Primaries.Backends.Concat(old.Backups.Backends))
            {
                staying.TryAdd(backend.Address, backend);
            }

            var members = new List<BackendState>();
            var listed = new HashSet<EndPoint>();
            foreach (BackendOptions options in backends)
            {
                if (!listed.Add(options.Address))
                {
                    continue;
                }

                if (staying.Remove(options.Address, out BackendState? kept))
                {
                    if (!kept.Options.Equals(options))
                    {
                        kept.Reconfigure(options);
                    }

                    members.Add(kept);
                }
                else
                {
                    // New, or listed again while draining: a fresh state (the draining one stays with its old connections).
                    members.Add(new BackendState(options, _time, Name));
                }
            }

            // Draining backends are kept (for status and metrics) until their last connection is gone (PruneDrained).
            ImmutableArray<BackendState> draining = [.. old.Draining.Where(b => b.ActiveConnections > 0).Concat(staying.Values)];
            long version = Interlocked.Increment(ref s_versions);
            Volatile.Write(ref _current, new PoolSnapshot(
                new PoolTier([.. members.Where(b => !b.IsBackup)], version),
                new PoolTier([.. members.Where(b => b.IsBackup)], version),
                draining));

            // Only now, so that a choice that finds the old members draining also finds the new snapshot (see Choose).
            foreach (BackendState leaving in staying.Values)
            {
                leaving.MarkDraining();
            }
        }
    }

    /// <summary>Balances new choices with <paramref name="policy"/> (a reload changed it); the members stay.</summary>
    public void SetPolicy(ILoadBalancingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (_updates)
        {
            Volatile.Write(ref _policy, policy);
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
