using System.Numerics;
using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// A tier's available backends ordered by load (connections per effective weight), for least-connections: a
/// tournament tree over the tier's slots whose every node holds the least load below it and the total weight
/// of the backends that carry exactly that load. The root answers "which load is least, and how much weight
/// ties there" in O(1); a weighted draw among the tied walks down in O(log n); a change to one backend
/// walks up in O(log n). Backends that cannot take a connection (down, ejected, draining, full) are left
/// out, so the least-loaded leaf is always one that can.
/// </summary>
/// <remarks>
/// The index stays exact because every <see cref="BackendState"/> tells it of each change (it subscribes to
/// them); what changes with time alone (an ejection running out, a slow-start weight step) is re-read when
/// its time comes, on the next draw. One lock guards the tree: a change or a draw costs a few dozen
/// nanoseconds inside it, far less than the connect it precedes.
/// </remarks>
internal sealed class LeastLoadIndex : TierTable, IBackendLoadObserver
{
    private readonly Lock _lock = new();
    private readonly BackendState[] _backends;
    private readonly int _firstLeaf;
    private readonly Node[] _nodes; // heap layout: node i has children 2i and 2i+1; slot s is leaf _firstLeaf + s
    private readonly long[] _recheckAt; // per slot: when its reading may change with no event
    private readonly List<int> _timed = []; // the slots whose _recheckAt is (or was) finite
    private readonly bool[] _isTimed;
    private long _nextRecheck = long.MaxValue;

    public LeastLoadIndex(PoolTier tier)
        : base(tier)
    {
        _backends = [.. tier.Backends];
        _firstLeaf = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, _backends.Length));
        _nodes = new Node[2 * _firstLeaf];
        _recheckAt = new long[_backends.Length];
        _isTimed = new bool[_backends.Length];
        lock (_lock)
        {
            // Subscribed before the first reading: a change racing the build is read again once the lock is free.
            for (int slot = 0; slot < _backends.Length; slot++)
            {
                _backends[slot].Subscribe(this, slot);
                _nodes[_firstLeaf + slot] = ReadLeaf(slot);
            }

            for (int node = _firstLeaf - 1; node >= 1; node--)
            {
                _nodes[node] = Node.Least(_nodes[2 * node], _nodes[(2 * node) + 1]);
            }
        }
    }

    public static LeastLoadIndex Build(PoolTier tier) => new(tier);

    /// <summary>
    /// One of the available backends with the least load, drawn by effective weight among those tied for it
    /// (so equal backends share, and an idle tier spreads by weight); null when none is available.
    /// </summary>
    public BackendState? DrawLeastLoaded(long timestamp, Random random)
    {
        lock (_lock)
        {
            if (timestamp >= _nextRecheck)
            {
                RecheckTimed(timestamp);
            }

            Node least = _nodes[1];
            if (least.TiedWeight == 0)
            {
                return null;
            }

            // Walk down through the children that carry the least load, spending the offset on the left ones.
            long offset = random.NextInt64(least.TiedWeight);
            int node = 1;
            while (node < _firstLeaf)
            {
                int left = 2 * node;
                Node leftChild = _nodes[left];
                if (leftChild.HasSameLoadAs(least))
                {
                    if (offset < leftChild.TiedWeight)
                    {
                        node = left;
                        continue;
                    }

                    offset -= leftChild.TiedWeight;
                }

                node = left + 1;
            }

            return _backends[node - _firstLeaf];
        }
    }

    /// <summary>A backend of this tier changed: read it again.</summary>
    public void LoadChanged(int slot)
    {
        lock (_lock)
        {
            Refresh(slot);
        }
    }

    /// <summary>The tier was replaced: stop listening to its backends (they report to the new index now).</summary>
    public override void Retire()
    {
        foreach (BackendState backend in _backends)
        {
            backend.Unsubscribe(this);
        }
    }

    private void Refresh(int slot)
    {
        int node = _firstLeaf + slot;
        _nodes[node] = ReadLeaf(slot);
        for (node /= 2; node >= 1; node /= 2)
        {
            _nodes[node] = Node.Least(_nodes[2 * node], _nodes[(2 * node) + 1]);
        }
    }

    private Node ReadLeaf(int slot)
    {
        LoadReading reading = _backends[slot].ReadLoad();
        _recheckAt[slot] = reading.RecheckAt;
        if (reading.RecheckAt != long.MaxValue)
        {
            _nextRecheck = Math.Min(_nextRecheck, reading.RecheckAt);
            if (!_isTimed[slot])
            {
                _isTimed[slot] = true;
                _timed.Add(slot);
            }
        }

        return reading.Available ? new Node(reading.Connections, reading.Weight, reading.Weight) : default;
    }

    // Re-reads the slots whose time came, and forgets those that no longer depend on time.
    private void RecheckTimed(long now)
    {
        long next = long.MaxValue;
        for (int i = _timed.Count - 1; i >= 0; i--)
        {
            int slot = _timed[i];
            if (_recheckAt[slot] <= now)
            {
                Refresh(slot);
            }

            if (_recheckAt[slot] == long.MaxValue)
            {
                _isTimed[slot] = false;
                _timed[i] = _timed[^1];
                _timed.RemoveAt(_timed.Count - 1);
            }
            else
            {
                next = Math.Min(next, _recheckAt[slot]);
            }
        }

        _nextRecheck = next;
    }

    /// <summary>The least load in a subtree and the weight tied at it; <see cref="TiedWeight"/> 0 means no available backend below.</summary>
    private readonly record struct Node(int Connections, int Weight, long TiedWeight)
    {
        public bool HasSameLoadAs(Node other) =>
            TiedWeight != 0 && ConnectionLoad.Compare(Connections, Weight, other.Connections, other.Weight) == 0;

        public static Node Least(Node left, Node right)
        {
            if (left.TiedWeight == 0)
            {
                return right;
            }

            if (right.TiedWeight == 0)
            {
                return left;
            }

            int order = ConnectionLoad.Compare(left.Connections, left.Weight, right.Connections, right.Weight);
            return order < 0 ? left : order > 0 ? right : left with { TiedWeight = left.TiedWeight + right.TiedWeight };
        }
    }
}
