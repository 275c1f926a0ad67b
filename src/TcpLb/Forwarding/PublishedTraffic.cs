namespace TcpLb.Forwarding;

/// <summary>
/// The bytes of one connection already added to the metrics, each way. The periodic sweep (while it is open) and its
/// close both advance these to the totals they read and add only the difference: the totals only grow, so whichever
/// runs first, and however their reads interleave, every byte is added exactly once (a stale read advances nothing).
/// The engines never touch it: nothing here is on the path of a read or a write.
/// </summary>
internal sealed class PublishedTraffic
{
    private long _fromClient;
    private long _fromBackend;

    /// <summary>Advances to these totals; returns what was not yet published, each way (zero for a stale read).</summary>
    public (long FromClient, long FromBackend) Advance(long fromClient, long fromBackend) =>
        (AdvanceTo(ref _fromClient, fromClient), AdvanceTo(ref _fromBackend, fromBackend));

    // Raises published to total unless it is there already, atomically; the rise is what this caller publishes.
    private static long AdvanceTo(ref long published, long total)
    {
        long before = Volatile.Read(ref published);
        while (total > before)
        {
            long seen = Interlocked.CompareExchange(ref published, total, before);
            if (seen == before)
            {
                return total - before;
            }

            before = seen;
        }

        return 0;
    }
}
