using System.Buffers;
using System.Text;

namespace TcpLb.Diagnostics;

/// <summary>
/// Writes lines to a stream in batches: a line costs an append under a lock, and a background loop writes
/// what gathered once per interval, in one call. Made for the access log, which writes a line per
/// connection: the console logger wakes its writer thread and makes a system call for every line, and at a few
/// thousand connections per second on one core that cost more than forwarding the connection did.
/// </summary>
/// <remarks>
/// Memory is bounded: past <c>maxPendingBytes</c> waiting to be written (the output is stuck), lines are
/// dropped and counted, and the count is written as a line of its own once the output moves again.
/// </remarks>
internal sealed class BatchedLineWriter : IDisposable
{
    private readonly Stream _output;
    private readonly int _maxPendingBytes;
    private readonly Lock _appending = new();
    private readonly Lock _flushing = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private ArrayBufferWriter<byte> _pending = new(16 * 1024);
    private ArrayBufferWriter<byte> _writing = new(16 * 1024);
    private long _dropped;
    private int _disposed;

    public BatchedLineWriter(Stream output, TimeSpan flushInterval, TimeProvider time, int maxPendingBytes = 4 * 1024 * 1024)
    {
        _output = output;
        _maxPendingBytes = maxPendingBytes;
        _loop = FlushEveryAsync(flushInterval, time);
    }

    /// <summary>Lines dropped so far because the output did not keep up.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues <paramref name="line"/> (UTF-8, without its newline) for the next batch.</summary>
    public void WriteLine(ReadOnlySpan<byte> line)
    {
        lock (_appending)
        {
            if (_pending.WrittenCount + line.Length + 1 > _maxPendingBytes)
            {
                _dropped++;
                return;
            }

            Span<byte> target = _pending.GetSpan(line.Length + 1);
            line.CopyTo(target);
            target[line.Length] = (byte)'\n';
            _pending.Advance(line.Length + 1);
        }
    }

    /// <summary>Writes every queued line now (the loop calls this once per interval; disposing calls it last).</summary>
    public void Flush()
    {
        lock (_flushing)
        {
            long dropped;
            lock (_appending)
            {
                (_pending, _writing) = (_writing, _pending);
                dropped = _dropped;
                _dropped = 0;
            }

            if (dropped > 0)
            {
                _writing.Write(Encoding.UTF8.GetBytes($"tcplb: {dropped} log lines dropped: the output did not keep up\n"));
            }

            if (_writing.WrittenCount == 0)
            {
                return;
            }

            try
            {
                _output.Write(_writing.WrittenSpan);
                _output.Flush();
            }
            catch (IOException)
            {
                // A closed or broken output (the reader went away) must not take the process down with it.
            }
            finally
            {
                _writing.ResetWrittenCount();
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stop.Cancel();
        _loop.GetAwaiter().GetResult(); // the loop ends at once when cancelled, after its last flush
        _stop.Dispose();
    }

    private async Task FlushEveryAsync(TimeSpan interval, TimeProvider time)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Flush();
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the last flush follows.
        }

        Flush();
    }
}
