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
    private readonly EchoRoundTrips _roundTrips;

    public EpollRelayRig(int messageBytes)
    {
        byte[] message = new byte[messageBytes];
        new Random(6).NextBytes(message);
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

        _roundTrips = new EchoRoundTrips(_client, _backend, message);
        _roundTrips.StartReading();
    }

    /// <summary>Sends the message and waits until all of it came back through both directions of the relay.</summary>
    public void RoundTrip() => _roundTrips.RoundTrip();

    public void Dispose()
    {
        _roundTrips.Dispose(); // the FIN crosses the relay; the echo ends its side in turn
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _client.Dispose();
        _backend.Dispose();
        _backendListener.Dispose();
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
}
