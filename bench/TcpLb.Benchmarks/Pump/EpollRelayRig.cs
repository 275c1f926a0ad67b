extern alias TcpLbApp;

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TcpLbApp::TcpLb.Configuration;
using TcpLbApp::TcpLb.Hosting;

namespace TcpLb.Benchmarks.Pump;

/// <summary>
/// A client, a whole TcpLb server on the epoll engine (one event loop) and an echo backend on 127.0.0.1, set up once:
/// client ⇄ [loop: client socket ⇄ relay (recv/send, or splice for bulk) ⇄ backend socket] ⇄ echo. The connection is
/// accepted, dialled and its first bytes sent in the setup, so each operation is the relay's reads and writes only:
/// what the memory diagnoser counts per round trip is the engine's steady state.
/// </summary>
internal sealed class EpollRelayRig : IDisposable
{
    private readonly TcpLbServer _server;
    private readonly Socket _backendListener;
    private readonly Socket _client;
    private readonly Socket _backend;
    private readonly Thread _echo;
    private readonly Thread _clientReader;
    private readonly SemaphoreSlim _echoed = new(0);
    private readonly byte[] _message;

    public EpollRelayRig(int messageBytes)
    {
        _message = new byte[messageBytes];
        new Random(6).NextBytes(_message);
        _backendListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _backendListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _backendListener.Listen();

        var listener = new ListenerOptions
        {
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
            Backends = [new BackendOptions { Address = _backendListener.LocalEndPoint! }],
        };
        _server = new TcpLbServer([listener], TimeProvider.System, NullLoggerFactory.Instance, engine: new EngineOptions { Kind = EngineKind.Epoll, Threads = 1 });
        _server.StartAsync(CancellationToken.None).GetAwaiter().GetResult();

        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _client.Connect(_server.EndPoints[0]);
        _client.Send("hello"u8); // client-first: the dial waits for these
        _backend = _backendListener.Accept();
        _backend.NoDelay = true;
        ReadExactly(_backend, 5);

        _echo = new Thread(Echo) { IsBackground = true, Name = "bench echo backend" };
        _echo.Start();
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

    public void Dispose()
    {
        _client.Shutdown(SocketShutdown.Send); // the FIN crosses the relay; the echo ends its side in turn
        _echo.Join(TimeSpan.FromSeconds(10));
        _clientReader.Join(TimeSpan.FromSeconds(10));
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _client.Dispose();
        _backend.Dispose();
        _backendListener.Dispose();
        _echoed.Dispose();
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

    private static void ReadExactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        int received = 0;
        while (received < count)
        {
            int n = socket.Receive(buffer.AsSpan(received));
            received += n > 0 ? n : throw new InvalidOperationException("the relay closed during set-up");
        }
    }

    private static void SendAll(Socket socket, ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[socket.Send(bytes)..];
        }
    }
}
