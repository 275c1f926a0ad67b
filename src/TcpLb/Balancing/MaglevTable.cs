using TcpLb.Model;

namespace TcpLb.Balancing;

/// <summary>
/// Maglev consistent hashing (Eisenbud et al., NSDI 2016, section 3.4) over all of a tier's members: a lookup
/// table of prime size where each backend owns entries in proportion to its weight. A client hash indexes the
/// table in O(1); when a backend joins or leaves, about 1/N of the entries change owner.
/// </summary>
/// <remarks>
/// The table depends only on the members' names and weights, not on their order or on history: two
/// balancers with the same configuration, or one after a restart, send a client to the same backend.
/// </remarks>
internal sealed class MaglevTable : TierTable
{
    /// <summary>
    /// The smallest table: a prime at least 100 times the backend count up to 655 backends, as the paper
    /// advises so that owners' shares differ by under 1 %, and fine-grained enough for weights from 1 to 256.
    /// 65 537 entries of 4 bytes: 256 KiB per tier.
    /// </summary>
    public const int MinSize = 65_537;

    private const ulong OffsetSeed = 0x0FF5_E7;
    private const ulong SkipSeed = 0x5_C1B;

    private readonly int[] _owners;

    private MaglevTable(PoolTier tier, BackendState[] backends, int[] owners)
        : base(tier)
    {
        Backends = backends;
        _owners = owners;
    }

    /// <summary>The members, sorted by name: the order in which they take turns filling the table.</summary>
    public BackendState[] Backends { get; }

    public int Size => _owners.Length;

    /// <summary>The backend owning the entry that a well-mixed 64-bit <paramref name="hash"/> falls on.</summary>
    public BackendState OwnerOf(ulong hash) => Backends[_owners[StableHash.Below(hash, _owners.Length)]];

    public static MaglevTable Build(PoolTier tier)
    {
        // Sorted by name so that the table does not depend on configuration or DNS answer order.
        BackendState[] backends = [.. tier.Backends.OrderBy(b => b.Name, StringComparer.Ordinal).ThenBy(b => b.Weight)];
        int size = SizeFor(backends.Length);
        int[] owners = new int[size];
        Array.Fill(owners, -1);

        // Each backend's preference list is the permutation offset, offset + skip, offset + 2 skip, ... (mod a
        // prime size, so every entry comes up once); next[i] is where backend i's list stands.
        long[] next = new long[backends.Length];
        long[] skip = new long[backends.Length];
        int[] weights = new int[backends.Length];
        for (int i = 0; i < backends.Length; i++)
        {
            next[i] = (long)(StableHash.Of(backends[i].Name, OffsetSeed) % (ulong)size);
            skip[i] = (long)(StableHash.Of(backends[i].Name, SkipSeed) % (ulong)(size - 1)) + 1;
            weights[i] = Math.Max(1, backends[i].Weight);
        }

        // Backends take turns claiming their next free preferred entry. Weights: each round a backend earns its
        // weight in credit and claims one entry per max-weight of credit, so the heaviest claims one per round and
        // a backend of half its weight one every other round.
        int maxWeight = weights.Max();
        long[] credit = new long[backends.Length];
        int filled = 0;
        while (filled < size)
        {
            for (int i = 0; i < backends.Length && filled < size; i++)
            {
                credit[i] += weights[i];
                while (credit[i] >= maxWeight && filled < size)
                {
                    credit[i] -= maxWeight;
                    while (owners[next[i]] >= 0)
                    {
                        next[i] = Advance(next[i], skip[i], size);
                    }

                    owners[next[i]] = i;
                    next[i] = Advance(next[i], skip[i], size);
                    filled++;
                }
            }
        }

        return new MaglevTable(tier, backends, owners);
    }

    /// <summary><see cref="MinSize"/>, or the first prime at least 100 times <paramref name="backends"/> for larger tiers.</summary>
    public static int SizeFor(int backends)
    {
        long size = Math.Max(MinSize, 100L * backends);
        while (!IsPrime(size))
        {
            size++;
        }

        return checked((int)size);
    }

    private static long Advance(long position, long skip, int size)
    {
        position += skip;
        return position >= size ? position - size : position;
    }

    private static bool IsPrime(long value)
    {
        if (value % 2 == 0)
        {
            return value == 2;
        }

        for (long divisor = 3; divisor * divisor <= value; divisor += 2)
        {
            if (value % divisor == 0)
            {
                return false;
            }
        }

        return true;
    }
}
