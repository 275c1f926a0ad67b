using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.ProxyProtocol;
using TcpLb.Tests.Support;
using Xunit;

namespace TcpLb.Tests.Lifecycle;

/// <summary>
/// A router stand-in for whole-process tests: it accepts any number of connections, reads the PROXY header
/// each opens with (and counts them by version, so a test can tell which tcplb process dialled it), then
/// echoes every byte after the header and answers the client's FIN with its own.
/// </summary>
internal sealed class ProxyEchoBackend : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _v1;
    private int _v2;

    public ProxyEchoBackend()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Connections that opened with a v1 header.</summary>
    public int V1Connections => Volatile.Read(ref _v1);

    /// <summary>Connections that opened with a v2 header.</summary>
    public int V2Connections => Volatile.Read(ref _v2);

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = EchoAsync(connection);
        }
    }

    private async Task EchoAsync(Socket connection)
    {
        using (connection)
        {
            try
            {
                byte[] buffer = new byte[16 * 1024];
                int held = 0;
                while (true)
                {
                    int read = await connection.ReceiveAsync(buffer.AsMemory(held), SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        return; // closed before a whole header: nothing to echo
                    }

                    held += read;
                    ProxyParseResult result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(buffer, 0, held));
                    if (result.Status == ProxyParseStatus.Incomplete)
                    {
                        continue;
                    }

                    if (result.Status != ProxyParseStatus.Complete)
                    {
                        return; // not what TcpLb sends: close, the client sees its bytes go missing
                    }

                    Interlocked.Increment(ref result.Header.Version == ProxyVersion.V1 ? ref _v1 : ref _v2);
                    await connection.SendAsync(buffer.AsMemory((int)result.BytesConsumed, held - (int)result.BytesConsumed), SocketFlags.None, _stop.Token);
                    break;
                }

                while (true)
                {
                    int read = await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        connection.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    await connection.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException)
            {
                // A reset from TcpLb (drain deadline) or the test ending.
            }
        }
    }

    /// <summary>One round trip on an open connection through TcpLb to this backend: <paramref name="text"/> comes back.</summary>
    public static async Task AssertEchoesAsync(Socket client, string text, CancellationToken cancellationToken)
    {
        byte[] sent = Encoding.ASCII.GetBytes(text);
        await client.SendAsync(sent, SocketFlags.None, cancellationToken);
        Assert.Equal(text, Encoding.ASCII.GetString(await Net.ReadExactlyAsync(client, sent.Length, cancellationToken)));
    }

    /// <summary>A whole connection through TcpLb on 127.0.0.1:<paramref name="port"/>: <paramref name="length"/> random bytes, FIN, every byte back, FIN.</summary>
    public static async Task AssertWholeConnectionAsync(int port, int length, CancellationToken cancellationToken)
    {
        using Socket client = await Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        byte[] sent = new byte[length];
        Random.Shared.NextBytes(sent);
        await client.SendAsync(sent, SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(sent, await Net.ReadToEndAsync(client, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        _stop.Dispose();
    }
}
