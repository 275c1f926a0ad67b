using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace TcpLb.Transport;

/// <summary>
/// The two copy loops of one direction: a socket into a pipe, and a pipe into a socket. Nothing is
/// allocated per read or write: socket operations complete through the socket's cached event args,
/// pipe segments are pooled, and an idle socket holds no buffer (zero-byte receive first, except right after
/// a read that filled its whole buffer).
/// </summary>
internal static class SocketPump
{
    /// <summary>
    /// Copies what <paramref name="socket"/> receives into <paramref name="writer"/> until FIN, reset or abort;
    /// completes the writer, then tells <paramref name="observer"/> (as <paramref name="loop"/>) how it ended.
    /// </summary>
    public static async Task<PumpEnd> ReceiveAsync(Socket socket, PipeWriter writer, TrafficMeter meter, IPumpObserver? observer = null, PumpLoop loop = PumpLoop.ClientReceive)
    {
        PumpEnd end = PumpEnd.Fin;
        try
        {
            bool moreWaiting = false;
            while (true)
            {
                // Wait for data without holding memory: idle connections cost no buffer. After a read that filled
                // its whole buffer more is almost surely waiting (a bulk transfer): read at once, one system call
                // less per buffer. Only when a transfer ends exactly on a buffer boundary does that read wait
                // holding its buffer, until the next bytes or the end of the connection.
                if (!moreWaiting)
                {
                    await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                }

                // Into the space left in the pipe's last buffer, a fresh one only when it is full: bytes that wait
                // unread (a PROXY header arriving a byte at a time, first bytes before the dial, a backend that stopped
                // reading) then cost what the peer sent plus one buffer. Asking for a whole buffer each time would
                // start a new one per read: a byte per packet took 16 KiB per byte.
                Memory<byte> buffer = writer.GetMemory(1);
                int received = await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    break; // FIN: this direction is over, the pipe's completion carries it on
                }

                moreWaiting = received == buffer.Length && received >= SocketPipeOptions.MinimumSegmentSize;

                writer.Advance(received);
                meter.Record(received);
                FlushResult flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    end = PumpEnd.Aborted; // the sending side stopped reading
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            end = SocketErrors.Classify(exception);
        }

        await writer.CompleteAsync(end == PumpEnd.Fin ? null : new SourceAbortedException()).ConfigureAwait(false);
        observer?.LoopEnded(loop, end);
        return end;
    }

    /// <summary>
    /// Sends what <paramref name="reader"/> yields to <paramref name="socket"/>. <paramref name="prefix"/> (a PROXY
    /// header) leaves in the same send as the first bytes already waiting, if any (rule 22). When the pipe
    /// completes, passes the FIN on with a send shutdown: the other direction keeps flowing. Tells
    /// <paramref name="observer"/> (as <paramref name="loop"/>) how it ended.
    /// </summary>
    public static async Task<PumpEnd> SendAsync(Socket socket, PipeReader reader, PooledPrefix prefix = default, IPumpObserver? observer = null, PumpLoop loop = PumpLoop.BackendSend)
    {
        try
        {
            if (!prefix.IsEmpty)
            {
                await SendPrefixAsync(socket, reader, prefix).ConfigureAwait(false);
            }

            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                foreach (ReadOnlyMemory<byte> segment in buffer)
                {
                    await socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    socket.Shutdown(SocketShutdown.Send);
                    await reader.CompleteAsync().ConfigureAwait(false);
                    observer?.LoopEnded(loop, PumpEnd.Fin);
                    return PumpEnd.Fin;
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or SourceAbortedException)
        {
            // The source's reset (or our abort) ends this side without a FIN; the watcher resets it.
            await reader.CompleteAsync().ConfigureAwait(false);
            PumpEnd end = exception is InvalidOperationException or SourceAbortedException ? PumpEnd.Aborted : SocketErrors.Classify(exception);
            observer?.LoopEnded(loop, end);
            return end;
        }
    }

    // Returns the prefix's pooled array as soon as it is sent: a long-lived connection keeps no buffer for it.
    private static async ValueTask SendPrefixAsync(Socket socket, PipeReader reader, PooledPrefix prefix)
    {
        try
        {
            // Only what has already arrived: a silent client (server-speaks-first) gets the header alone.
            if (reader.TryRead(out ReadResult result))
            {
                if (!result.Buffer.IsEmpty)
                {
                    ReadOnlySequence<byte> first = result.Buffer.Slice(0, Math.Min(result.Buffer.Length, SocketPipeOptions.PauseWriterThreshold));
                    await SendCombinedAsync(socket, prefix.Memory, first).ConfigureAwait(false);
                    reader.AdvanceTo(first.End);
                    return;
                }

                reader.AdvanceTo(result.Buffer.Start);
            }

            await socket.SendAsync(prefix.Memory, SocketFlags.None).ConfigureAwait(false);
        }
        finally
        {
            prefix.Return();
        }
    }

    // One copy per connection, so that header and first bytes are one send (HAProxy 2.6 and nginx 1.22 drop split headers).
    private static async ValueTask SendCombinedAsync(Socket socket, ReadOnlyMemory<byte> prefix, ReadOnlySequence<byte> first)
    {
        int length = prefix.Length + (int)first.Length;
        byte[] combined = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            prefix.Span.CopyTo(combined);
            first.CopyTo(combined.AsSpan(prefix.Length));
            await socket.SendAsync(combined.AsMemory(0, length), SocketFlags.None).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(combined);
        }
    }
}
