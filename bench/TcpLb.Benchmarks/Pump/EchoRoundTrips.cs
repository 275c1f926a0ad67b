using System.Net.Sockets;

namespace TcpLb.Benchmarks.Pump;

/// <summary>
/// The two ends of a round-trip benchmark through a relay: an echo backend thread that sends back what it reads (and
/// FIN after FIN), and a client reader thread that counts whole messages back. Blocking calls into buffers allocated
/// here, on threads of their own, so what the memory diagnoser counts per round trip is the relay under test.
/// </summary>
internal sealed class EchoRoundTrips : IDisposable
{
    private readonly Socket _client;
    private readonly Socket _backend;
    private readonly byte[] _message;
    private readonly SemaphoreSlim _echoed = new(0);
    private readonly Thread _echo;
    private Thread? _clientReader;

    public EchoRoundTrips(Socket client, Socket backend, byte[] message)
    {
        _client = client;
        _backend = backend;
        _message = message;
        _echo = new Thread(Echo) { IsBackground = true, Name = "bench echo backend" };
        _echo.Start();
    }

    /// <summary>From now on the reader thread owns the client socket's receiving side.</summary>
    public void StartReading()
    {
        _clientReader = new Thread(ReadEchoes) { IsBackground = true, Name = "bench client reader" };
        _clientReader.Start();
    }

    /// <summary>Sends the message and waits until all of it came back through both directions of the relay.</summary>
    public void RoundTrip()
    {
        SendAll(_client, _message);
        if (!_echoed.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("the message did not come back through the relay within 30 s");
        }
    }

    /// <summary>The client's FIN travels through the relay to the echo, which ends its side in turn; both threads end.</summary>
    public void Dispose()
    {
        _client.Shutdown(SocketShutdown.Send);
        _echo.Join(TimeSpan.FromSeconds(10));
        _clientReader?.Join(TimeSpan.FromSeconds(10));
        _echoed.Dispose();
    }

    public static void SendAll(Socket socket, ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[socket.Send(bytes)..];
        }
    }

    private void ReadEchoes()
    {
        var buffer = new byte[256 * 1024];
        long pending = 0;
        while (true)
        {
            int n = _client.Receive(buffer);
            if (n == 0)
            {
                return;
            }

            pending += n;
            while (pending >= _message.Length)
            {
                pending -= _message.Length;
                _echoed.Release();
            }
        }
    }

    private void Echo()
    {
        var buffer = new byte[256 * 1024];
        while (true)
        {
            int n = _backend.Receive(buffer);
            if (n == 0)
            {
                _backend.Shutdown(SocketShutdown.Send);
                return;
            }

            SendAll(_backend, buffer.AsSpan(0, n));
        }
    }
}
