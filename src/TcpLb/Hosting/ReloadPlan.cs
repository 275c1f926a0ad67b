using TcpLb.Configuration;

namespace TcpLb.Hosting;

/// <summary>
/// Which running listener each listener of a new configuration is. A listener is known by its addresses: a new
/// one that shares an address with a running one is that listener, reconfigured (it keeps its pool, so backends
/// keep their health and counts); a new one sharing none is added; a running one left unmatched is removed.
/// </summary>
internal sealed record ReloadPlan(IReadOnlyDictionary<int, int> Kept, IReadOnlyList<int> Added, IReadOnlyList<int> Removed)
{
    /// <summary>Pairs each of <paramref name="next"/> (by index) with at most one of <paramref name="running"/>, first come first served.</summary>
    public static ReloadPlan Match(IReadOnlyList<ListenerOptions> running, IReadOnlyList<ListenerOptions> next)
    {
        var kept = new Dictionary<int, int>();
        var added = new List<int>();
        var taken = new HashSet<int>();
        for (int i = 0; i < next.Count; i++)
        {
            int match = -1;
            for (int j = 0; j < running.Count && match < 0; j++)
            {
                if (!taken.Contains(j) && running[j].Listen.Intersect(next[i].Listen).Any())
                {
                    match = j;
                }
            }

            if (match >= 0)
            {
                taken.Add(match);
                kept[i] = match;
            }
            else
            {
                added.Add(i);
            }
        }

        return new ReloadPlan(kept, added, [.. Enumerable.Range(0, running.Count).Where(j => !taken.Contains(j))]);
    }
}
