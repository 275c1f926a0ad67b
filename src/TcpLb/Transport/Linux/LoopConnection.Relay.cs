using System.Buffers;

namespace TcpLb.Transport.Linux;

/// <summary>
/// The relay: each direction reads its source into the loop's buffer and writes it to its sink at once, so bytes
/// wait in TcpLb only when the sink is full (then reading that source stops: backpressure, at most one read's
/// worth held). A read that fills the whole buffer means a bulk transfer: from then on that direction splices
/// through a kernel pipe (HAProxy's splice-auto), never copying through user space. A FIN is passed on per
/// direction (shutdown of the sink's sending side) while the other flows; a reset on either side resets both.
/// </summary>
internal abstract unsafe partial class LoopConnection
{
    /// <summary>Reads per direction before the loop serves other connections (then this one resumes).</summary>
    private const int ReadsPerTurn = 16;

    private void Pump()
    {
        // A reset is noticed at once, even on a side nobody reads now (its direction waits for a full sink).
        if (_client.Failed || _backend.Failed)
        {
            End(_client.Failed ? RelayEnd.ClientReset : RelayEnd.BackendReset);
            return;
        }

        int budget = ReadsPerTurn;
        bool upMore = PumpDirection(ref _up, ref _client, ref _backend, ref budget, sinkIsClient: false);
        if (_closed)
        {
            return;
        }

        budget = ReadsPerTurn;
        bool downMore = PumpDirection(ref _down, ref _backend, ref _client, ref budget, sinkIsClient: true);
        if (_closed)
        {
            return;
        }

        if (_up.Ended && _down.Ended)
        {
            Finish(RelayEnd.Completed, reset: false); // both FINs passed on: a clean close
        }
        else if (upMore || downMore)
        {
            Loop.Defer(this);
        }
    }

    // Moves what it can from source to sink; true when it stopped only for fairness (more is readable).
    private bool PumpDirection(ref RelayDirection direction, ref SocketSide source, ref SocketSide sink, ref int budget, bool sinkIsClient)
    {
        while (true)
        {
            if (direction.HasPending && !Flush(ref direction, ref sink, sinkIsClient))
            {
                return false; // the sink is full (or failed): wait for EPOLLOUT
            }

            if (direction.SourceEnded)
            {
                if (!direction.Ended)
                {
                    PassFin(ref direction, ref sink);
                }

                return false;
            }

            if (!source.Readable)
            {
                return false;
            }

            if (budget-- == 0)
            {
                return true;
            }

            if (!(direction.Splicing ? SpliceIn(ref direction, ref source, sinkIsClient) : ReceiveAndSend(ref direction, ref source, ref sink, sinkIsClient)))
            {
                return false;
            }
        }
    }

    // One read into the loop's buffer, written on at once; what the sink does not take is kept aside.
    private bool ReceiveAndSend(ref RelayDirection direction, ref SocketSide source, ref SocketSide sink, bool sinkIsClient)
    {
        byte[] buffer = Loop.ReadBuffer;
        nint received;
        fixed (byte* pointer = buffer)
        {
            received = LinuxSyscalls.Receive(source.Fd, pointer, (nuint)buffer.Length, 0);
        }

        if (received <= 0)
        {
            return ReadEnded(ref direction, ref source, received, sourceIsClient: sinkIsClient == false);
        }

        direction.Bytes += received;
        direction.LastActivity = Loop.Now;
        if (received < buffer.Length)
        {
            direction.SourceEnded = source.ReadShort(); // a short read emptied the socket
        }
        else if (SpliceEnabled)
        {
            direction.Splicing = true; // a full buffer: a bulk transfer
        }

        // Bytes that end the direction wait in the sink's socket (MSG_MORE) for the FIN passed on right after them
        // (shutdown, or close when both ended): one segment carries both, not two.
        int count = (int)received;
        int sent = sink.Writable ? Send(sink.Fd, buffer, 0, count, more: direction.SourceEnded) : 0;
        if (sent < 0)
        {
            End(sinkIsClient ? RelayEnd.ClientReset : RelayEnd.BackendReset);
            return false;
        }

        if (sent < count)
        {
            sink.Writable = false;
            byte[] pending = ArrayPool<byte>.Shared.Rent(count - sent);
            buffer.AsSpan(sent, count - sent).CopyTo(pending);
            direction.Pending = pending;
            direction.PendingStart = 0;
            direction.PendingEnd = count - sent;
            return false;
        }

        return true;
    }

    // Source into the direction's kernel pipe; the next Flush moves it to the sink.
    private bool SpliceIn(ref RelayDirection direction, ref SocketSide source, bool sinkIsClient)
    {
        KernelPipe? pipe = direction.Pipe ??= Loop.Pipes.Rent();
        if (pipe is null)
        {
            direction.Splicing = false; // out of descriptors for a pipe: copy through the buffer instead
            return true;
        }

        nint moved = LinuxSyscalls.Splice(source.Fd, null, pipe.WriteFd, null, EventLoop.ReadBufferSize, LinuxFlags.SPLICE_F_MOVE | LinuxFlags.SPLICE_F_NONBLOCK);
        if (moved <= 0)
        {
            ReturnPipeIfEmpty(ref direction);
            return ReadEnded(ref direction, ref source, moved, sourceIsClient: !sinkIsClient);
        }

        pipe.Bytes += (int)moved;
        direction.Bytes += moved;
        direction.LastActivity = Loop.Now;
        return true;
    }

    // A read returned 0 (FIN) or failed: FIN ends the direction, EAGAIN waits, anything else is a reset.
    private bool ReadEnded(ref RelayDirection direction, ref SocketSide source, nint result, bool sourceIsClient)
    {
        if (result == 0)
        {
            direction.SourceEnded = true;
            return true; // PumpDirection passes the FIN on once nothing is pending
        }

        int error = LinuxSyscalls.LastError;
        if (error is Errno.EAGAIN or Errno.EINTR)
        {
            source.Readable = error == Errno.EINTR;
            return false;
        }

        End(sourceIsClient ? RelayEnd.ClientReset : RelayEnd.BackendReset);
        return false;
    }

    // Writes what waits (buffer or pipe); true when all of it went.
    private bool Flush(ref RelayDirection direction, ref SocketSide sink, bool sinkIsClient)
    {
        if (!sink.Writable)
        {
            return false;
        }

        if (direction.Pipe is { Bytes: > 0 } pipe)
        {
            nint moved = LinuxSyscalls.Splice(pipe.ReadFd, null, sink.Fd, null, (nuint)pipe.Bytes, LinuxFlags.SPLICE_F_MOVE | LinuxFlags.SPLICE_F_NONBLOCK);
            if (moved < 0 && LinuxSyscalls.LastError is not (Errno.EAGAIN or Errno.EINTR))
            {
                End(sinkIsClient ? RelayEnd.ClientReset : RelayEnd.BackendReset);
                return false;
            }

            pipe.Bytes -= moved > 0 ? (int)moved : 0;
            if (pipe.Bytes > 0)
            {
                sink.Writable = false;
                return false;
            }

            ReturnPipeIfEmpty(ref direction);
            return true;
        }

        byte[] pending = direction.Pending!;
        int sent = Send(sink.Fd, pending, direction.PendingStart, direction.PendingEnd - direction.PendingStart, more: false);
        if (sent < 0)
        {
            End(sinkIsClient ? RelayEnd.ClientReset : RelayEnd.BackendReset);
            return false;
        }

        direction.PendingStart += sent;
        if (direction.PendingStart < direction.PendingEnd)
        {
            sink.Writable = false;
            return false;
        }

        ArrayPool<byte>.Shared.Return(pending);
        direction.Pending = null;
        direction.PendingStart = direction.PendingEnd = 0;
        return true;
    }

    // The source's FIN reaches the sink: its sending side shuts down, the other direction flows on. When the other
    // has ended too, Pump closes both sockets instead (close sends the FIN itself: one system call less).
    private void PassFin(ref RelayDirection direction, ref SocketSide sink)
    {
        direction.Ended = true;
        direction.LastActivity = Loop.Now;
        bool otherEnded = _up.Ended && _down.Ended;
        if (!otherEnded)
        {
            LinuxSyscalls.Shutdown(sink.Fd, LinuxFlags.SHUT_WR);
            OnDirectionEnded();
        }
    }

    private void ReturnPipeIfEmpty(ref RelayDirection direction)
    {
        if (direction.Pipe is { Bytes: 0 } pipe)
        {
            Loop.Pipes.Return(pipe); // an idle connection holds no pipe (two descriptors each)
            direction.Pipe = null;
        }
    }

    // Bytes written (0 when the sink is full), or -1 when it reset or closed. With more, the kernel holds a last
    // partial segment until the next send, shutdown or close.
    private static int Send(int fd, byte[] buffer, int offset, int count, bool more)
    {
        fixed (byte* pointer = buffer)
        {
            int flags = more ? LinuxFlags.MSG_NOSIGNAL | LinuxFlags.MSG_MORE : LinuxFlags.MSG_NOSIGNAL;
            nint sent = LinuxSyscalls.Send(fd, pointer + offset, (nuint)count, flags);
            if (sent >= 0)
            {
                return (int)sent;
            }

            return LinuxSyscalls.LastError is Errno.EAGAIN or Errno.EINTR ? 0 : -1;
        }
    }
}
