using System.Buffers;
using System.IO.Pipelines;

namespace TcpLb.Transport;

/// <summary>
/// The pipe between one socket's receive loop and the other socket's send loop. The thresholds bound
/// what a connection buffers per direction whatever the transfer size (backpressure: a slow reader on one
/// side stops reads on the other). Inline schedulers: the send runs on the thread that received, no
/// thread-pool hop per read (as Kestrel's socket transport does).
/// </summary>
internal static class SocketPipeOptions
{
    /// <summary>Stop reading from the source once this much waits to be sent.</summary>
    public const int PauseWriterThreshold = 64 * 1024;

    /// <summary>Start again once the backlog drops under this.</summary>
    public const int ResumeWriterThreshold = 32 * 1024;

    /// <summary>The most one read asks for; segments come from the shared array pool.</summary>
    public const int MinimumSegmentSize = 16 * 1024;

    public static PipeOptions Default { get; } = Create(pool: null);

    /// <summary>These options over <paramref name="pool"/> (null: the shared pool); tests count what a pipe rents.</summary>
    public static PipeOptions Create(MemoryPool<byte>? pool) => new(
        pool: pool,
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: PauseWriterThreshold,
        resumeWriterThreshold: ResumeWriterThreshold,
        minimumSegmentSize: MinimumSegmentSize,
        useSynchronizationContext: false);
}
