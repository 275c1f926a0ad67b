extern alias TcpLbApp;

using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using TcpLbApp::TcpLb.Transport;

namespace TcpLb.Benchmarks.Pump;

/// <summary>
/// A client, TcpLb's forwarding core and an echo backend on 127.0.0.1, set up once:
/// client ⇄ [proxy client socket ⇄ two pipes and four <see cref="SocketPump"/> loops ⇄ proxy backend socket] ⇄ echo.
/// The client and the echo use blocking calls on their own threads into buffers allocated here, so the only
/// code that runs per operation on the async side is the pump's: what the memory diagnoser counts is the pump.
/// </summary>
internal sealed class LoopbackPumpRig : IDisposable
{
    private readonly Socket _client;
    private readonly Socket _proxyClientSide;
    private readonly Socket _proxyBackendSide;
    private readonly Socket _backend;
    private readonly byte[] _message;
    private readonly EchoRoundTrips _roundTrips;
    private readonly Task _pumps;

    public LoopbackPumpRig(int messageBytes)
    {
        _message = new byte[messageBytes];
        new Random(6).NextBytes(_message);

        (_client, _proxyClientSide) = ConnectedPair();
        (_proxyBackendSide, _backend) = ConnectedPair();
        foreach (Socket socket in (Socket[])[_client, _proxyClientSide, _proxyBackendSide, _backend])
        {
            socket.NoDelay = true; // as the handler sets it; the 64 B round trips would otherwise wait for Nagle
        }

        var upstream = new Pipe(SocketPipeOptions.Default);
        var downstream = new Pipe(SocketPipeOptions.Default);
        _pumps = Task.WhenAll(
            SocketPump.ReceiveAsync(_proxyClientSide, upstream.Writer, new TrafficMeter(TimeProvider.System)),
            SocketPump.SendAsync(_proxyBackendSide, upstream.Reader),
            SocketPump.ReceiveAsync(_proxyBackendSide, downstream.Writer, new TrafficMeter(TimeProvider.System)),
            SocketPump.SendAsync(_proxyClientSide, downstream.Reader));

        _roundTrips = new EchoRoundTrips(_client, _backend, _message);
        CheckOneRoundTrip();
        _roundTrips.StartReading();
    }

    /// <summary>Sends the message and waits until all of it came back through both directions of the pump.</summary>
    public void RoundTrip() => _roundTrips.RoundTrip();

    public void Dispose()
    {
        _roundTrips.Dispose(); // the client's FIN travels through the pump to the echo, which closes its side in turn
        bool ended = _pumps.Wait(TimeSpan.FromSeconds(10));
        foreach (Socket socket in (Socket[])[_client, _proxyClientSide, _proxyBackendSide, _backend])
        {
            socket.Dispose();
        }

        if (!ended)
        {
            throw new InvalidOperationException("the pump loops did not end after the client's FIN");
        }
    }

    // Before the reader thread takes over the client socket: one small message must come back byte for byte.
    private void CheckOneRoundTrip()
    {
        int length = Math.Min(_message.Length, 4096);
        EchoRoundTrips.SendAll(_client, _message.AsSpan(0, length));
        var back = new byte[length];
        int received = 0;
        while (received < length)
        {
            int n = _client.Receive(back.AsSpan(received));
            received += n > 0 ? n : throw new InvalidOperationException("the pump closed during the check");
        }

        if (!back.AsSpan().SequenceEqual(_message.AsSpan(0, length)))
        {
            throw new InvalidOperationException("the bytes that came back differ from the bytes sent");
        }
    }

    private static (Socket Connecting, Socket Accepted) ConnectedPair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var connecting = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        connecting.Connect(listener.LocalEndPoint!);
        return (connecting, listener.Accept());
    }
}
