using System.Runtime;
using Microsoft.Extensions.Logging;

namespace TcpLb.Hosting;

/// <summary>
/// Gives memory back to the system once a load has passed. The GC collects when the process allocates; after the
/// last connections of a burst close, a balancer allocates almost nothing, so no collection comes and the heap that
/// carried the burst stays committed (the e2e idle scenario: 61 MiB before, 140 with 10 000 connections, 145 after
/// they all closed). No GC setting changes that (measured: bench/results, issue 10): something must collect. Every
/// <see cref="Interval"/> this looks at the open connections; when they fell to half of the most seen since the last
/// trim (and by at least <see cref="MinimumDrop"/>), or the committed heap grew by <see cref="HeapGrowth"/> since the
/// last trim while the load is not rising, it runs one compacting, decommitting (aggressive) collection. A load that
/// ramped up and holds is thus trimmed once (the garbage of its ramp: 9 872 idle connections went from 11.4 to
/// 6.0 KiB each), and not again until the heap grows by another <see cref="HeapGrowth"/>; a quiet process is never
/// collected twice for nothing.
/// </summary>
internal sealed partial class MemoryTrim : PeriodicLook
{
    /// <summary>How often the load is looked at: often enough that memory comes back within seconds.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>Fewer closed connections than this are not worth a full collection.</summary>
    public const int MinimumDrop = 256;

    /// <summary>Heap growth (a burst that came and went between two looks) worth a collection once the load falls.</summary>
    public const long HeapGrowth = 32L << 20;

    private readonly Func<int> _openConnections;
    private readonly ILogger _logger;
    private readonly Func<long> _committedBytes;
    private readonly Action _collect;
    private int _mostSinceTrim;
    private int _lastSeen;
    private long _committedAfterTrim;

    /// <param name="openConnections">The connections open now (the server's count).</param>
    /// <param name="committedBytes">The GC's committed bytes (tests substitute it); null reads the GC.</param>
    /// <param name="collect">The trim itself (tests substitute it); null collects.</param>
    public MemoryTrim(Func<int> openConnections, TimeProvider time, ILogger logger, Func<long>? committedBytes = null, Action? collect = null)
        : base(Interval, time)
    {
        _openConnections = openConnections;
        _logger = logger;
        _committedBytes = committedBytes ?? (static () => GC.GetGCMemoryInfo().TotalCommittedBytes);
        _collect = collect ?? Collect;
    }

    /// <summary>How many trims ran (for tests and the debug log).</summary>
    public int Trims { get; private set; }

    /// <summary>Trims when the load fell enough since the last trim.</summary>
    public override void Look()
    {
        int open = _openConnections();
        _mostSinceTrim = Math.Max(_mostSinceTrim, open);
        bool falling = open <= _lastSeen;
        _lastSeen = open;
        bool halved = _mostSinceTrim - open >= MinimumDrop && open <= _mostSinceTrim / 2;
        bool grewThenFell = falling && _committedBytes() - _committedAfterTrim >= HeapGrowth;
        if (!halved && !grewThenFell)
        {
            return;
        }

        long before = _committedBytes();
        _collect();
        _committedAfterTrim = _committedBytes();
        _mostSinceTrim = open;
        Trims++;
        Trimmed(_logger, open, before >> 20, _committedAfterTrim >> 20);
    }

    protected override void Starting() => _committedAfterTrim = _committedBytes();

    private static void Collect()
    {
        // Aggressive: compact, and decommit what the heap no longer uses (RetainVM is off), so RSS goes down.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Load fell to {Open} connections: memory trimmed, GC heap committed {Before} -> {After} MiB")]
    private static partial void Trimmed(ILogger logger, int open, long before, long after);
}
