using System.Buffers;
using System.Net;
using System.Net.Sockets;
using TcpLb.ProxyProtocol;

namespace TcpLb.Testing;

/// <summary>
/// A loopback backend that echoes every byte back on every connection, answers a FIN with its own, and counts the
/// connections it accepted. Built with <c>readsProxyHeader</c>, it stands where a router would: each connection must
/// open with a PROXY header, which it parses with the codec and counts by version (so a test can tell which tcplb
/// process dialled it), then echoes what follows the header.
/// </summary>
internal sealed class EchoBackend : IAsyncDisposable
{
    private readonly TestBackend _listener = new();
    private readonly bool _readsProxyHeader;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<Task> _connections = [];
    private int _accepted;
    private int _v1;
    private int _v2;

    public EchoBackend(bool readsProxyHeader = false)
    {
        _readsProxyHeader = readsProxyHeader;
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => _listener.EndPoint;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections that opened with a v1 header (with <c>readsProxyHeader</c>).</summary>
    public int V1Connections => Volatile.Read(ref _v1);

    /// <summary>Connections that opened with a v2 header (with <c>readsProxyHeader</c>).</summary>
    public int V2Connections => Volatile.Read(ref _v2);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            lock (_connections)
            {
                _connections.RemoveAll(task => task.IsCompleted);
                _connections.Add(EchoAsync(socket));
            }
        }
    }

    private async Task EchoAsync(Socket socket)
    {
        using (socket)
        {
            byte[] buffer = new byte[16 * 1024];
            try
            {
                if (_readsProxyHeader && !await EchoAfterHeaderAsync(socket, buffer))
                {
                    return;
                }

                while (true)
                {
                    int read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        socket.Shutdown(SocketShutdown.Send); // FIN answered with FIN
                        return;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // A reset from TcpLb (a drain deadline) or the test ending.
            }
        }
    }

    // Reads until a whole header has come, counts it and echoes the bytes after it; false when the connection must close.
    private async Task<bool> EchoAfterHeaderAsync(Socket socket, byte[] buffer)
    {
        int held = 0;
        while (true)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(held), SocketFlags.None, _stop.Token);
            if (read == 0)
            {
                return false; // closed before a whole header: nothing to echo
            }

            held += read;
            ProxyParseResult result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(buffer, 0, held));
            if (result.Status == ProxyParseStatus.Incomplete)
            {
                continue;
            }

            if (result.Status != ProxyParseStatus.Complete)
            {
                return false; // not what TcpLb sends: close, the client sees its bytes go missing
            }

            Interlocked.Increment(ref result.Header.Version == ProxyVersion.V1 ? ref _v1 : ref _v2);
            await socket.SendAsync(buffer.AsMemory((int)result.BytesConsumed, held - (int)result.BytesConsumed), SocketFlags.None, _stop.Token);
            return true;
        }
    }
}
