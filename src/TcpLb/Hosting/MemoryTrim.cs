using System.Runtime;
using Microsoft.Extensions.Logging;

namespace TcpLb.Hosting;

/// <summary>
/// Gives memory back to the system once a load has passed. The GC collects when the process allocates; after the
/// last connections of a burst close, a balancer allocates almost nothing, so no collection comes and the heap that
/// carried the burst stays committed (the e2e idle scenario: 61 MiB before, 140 with 10 000 connections, 145 after
/// they all closed). No GC setting changes that (measured: bench/results/hardening-2026-11-30.md): something must
/// collect. Every <see cref="Interval"/> this looks at the open connections; once they fell to an eighth of the most
/// seen since the last trim (and by at least <see cref="MinimumDrop"/>), it runs one compacting, decommitting
/// (aggressive) collection. Only then: a blocking aggressive collection while thousands of connections are open
/// stalls every one of them for seconds (measured with 5 000 slowloris connections: a normal client waited 4.7 s),
/// while one over the few connections left after a load is short. A quiet process is never collected twice for
/// nothing; a load that holds, however large, is never collected by this.
/// </summary>
internal sealed partial class MemoryTrim : PeriodicLook
{
    /// <summary>How often the load is looked at: often enough that memory comes back within seconds.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>Fewer closed connections than this are not worth a full collection.</summary>
    public const int MinimumDrop = 256;

    /// <summary>The load must have fallen to this fraction of its most (1/8) before a trim: little is left to stall.</summary>
    public const int QuietDivisor = 8;

    private readonly Func<int> _openConnections;
    private readonly ILogger _logger;
    private readonly Func<long> _committedBytes;
    private readonly Action _collect;
    private int _mostSinceTrim;

    /// <param name="openConnections">The connections open now (the server's count).</param>
    /// <param name="committedBytes">The GC's committed bytes, for the log line (tests substitute it); null reads the GC.</param>
    /// <param name="collect">The trim itself (tests substitute it); null collects.</param>
    public MemoryTrim(Func<int> openConnections, TimeProvider time, ILogger logger, Func<long>? committedBytes = null, Action? collect = null)
        : base(Interval, time)
    {
        _openConnections = openConnections;
        _logger = logger;
        _committedBytes = committedBytes ?? (static () => GC.GetGCMemoryInfo().TotalCommittedBytes);
        _collect = collect ?? Collect;
    }

    /// <summary>Trims when the load fell far enough since the last trim.</summary>
    public override void Look()
    {
        int open = _openConnections();
        _mostSinceTrim = Math.Max(_mostSinceTrim, open);
        if (_mostSinceTrim - open < MinimumDrop || open > _mostSinceTrim / QuietDivisor)
        {
            return;
        }

        long before = _committedBytes();
        _collect();
        _mostSinceTrim = open;
        long after = _committedBytes();
        Trimmed(_logger, open, before >> 20, after >> 20);
    }

    private static void Collect()
    {
        // Aggressive: compact, and decommit what the heap no longer uses (RetainVM is off), so RSS goes down.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Load fell to {Open} connections: memory trimmed, GC heap committed {Before} -> {After} MiB")]
    private static partial void Trimmed(ILogger logger, int open, long before, long after);
}
