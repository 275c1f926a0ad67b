using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace TcpLb.Testing;

/// <summary>Client-side socket chores: connect from a chosen loopback address, read exactly, read to the end.</summary>
internal static class Net
{
    /// <summary>127.0.0.2: a client address distinct from the proxy's, so a header provably carries the client.</summary>
    public static readonly IPAddress SecondLoopback = IPAddress.Parse("127.0.0.2");

    public static async Task<Socket> ConnectAsync(IPEndPoint target, CancellationToken cancellationToken, IPAddress? from = null)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }

        await socket.ConnectAsync(target, cancellationToken);
        return socket;
    }

    public static async Task<byte[]> ReadExactlyAsync(Socket socket, int count, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new EndOfStreamException($"the peer closed after {read} of {count} bytes");
            }

            read += n;
        }

        return buffer;
    }

    /// <summary>Reads up to <paramref name="count"/> bytes, fewer if the peer closes first.</summary>
    public static async Task<byte[]> ReadToEndOrAsync(Socket socket, int count, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return buffer[..read];
    }

    /// <summary>Reads until FIN and returns everything; a reset throws.</summary>
    public static async Task<byte[]> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        var received = new ArrayBufferWriter<byte>();
        while (true)
        {
            int n = await socket.ReceiveAsync(received.GetMemory(64 * 1024), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return received.WrittenSpan.ToArray();
            }

            received.Advance(n);
        }
    }

    /// <summary>How a read ended: FIN (0 bytes), a reset, or data.</summary>
    public static async Task<string> ReadEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (n == 0)
                {
                    return "fin";
                }
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return "reset";
        }
    }

    /// <summary>Closes with RST.</summary>
    public static void Reset(Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Dispose();
    }

    /// <summary>Fills the listen queue of a listener that never accepts (backlog 0), so the next connect to it hangs (SYNs dropped).</summary>
    public static async Task<List<Socket>> FillBacklogAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        var fillers = new List<Socket>();
        for (int i = 0; i < 16; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromMilliseconds(300));
            try
            {
                await socket.ConnectAsync(target, attempt.Token);
                fillers.Add(socket);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                return fillers; // this connect hung: the queue is full
            }
        }

        throw new InvalidOperationException("could not fill the listen queue");
    }
}
