using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace TcpLb.IntegrationTests.Hardening;

/// <summary>
/// A name server on port 53 of a loopback address of its own (127.x.y.z: /etc/resolv.conf takes no port) that
/// holds every question unanswered until <see cref="Release"/>, then answers each, held or new, with NXDOMAIN.
/// A process whose start-up waits on DNS is thereby held at a known point for as long as the test needs.
/// </summary>
internal sealed class HoldingNameServer : IDisposable
{
    private readonly UdpClient _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(byte[] Query, IPEndPoint From)> _held = new();
    private readonly Task _serving;
    private volatile bool _released;
    private int _questions;

    private HoldingNameServer(UdpClient socket)
    {
        _socket = socket;
        Address = ((IPEndPoint)socket.Client.LocalEndPoint!).Address;
        _serving = ServeAsync(_stop.Token);
    }

    /// <summary>The loopback address it listens on, port 53.</summary>
    public IPAddress Address { get; }

    /// <summary>How many questions arrived so far.</summary>
    public int Questions => Volatile.Read(ref _questions);

    /// <summary>Binds port 53 on a free random 127.x.y.z (tests run in parallel; bounded tries).</summary>
    public static HoldingNameServer Start()
    {
        for (int attempt = 0; ; attempt++)
        {
            var address = new IPAddress([127, (byte)Random.Shared.Next(64, 250), (byte)Random.Shared.Next(1, 250), (byte)Random.Shared.Next(2, 250)]);
            try
            {
                return new HoldingNameServer(new UdpClient(new IPEndPoint(address, 53)));
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AccessDenied)
            {
                Assert.Skip($"binding port 53 needs root (CAP_NET_BIND_SERVICE): {exception.Message}");
            }
            catch (SocketException) when (attempt < 20)
            {
                // taken by another test's server: try another address
            }
        }
    }

    /// <summary>Answers the held questions and every later one.</summary>
    public void Release()
    {
        _released = true;
        while (_held.TryDequeue(out (byte[] Query, IPEndPoint From) question))
        {
            _ = _socket.Send(NxDomain(question.Query), question.From);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _ = _serving.Exception; // ended by the disposal
        _stop.Dispose();
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await _socket.ReceiveAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _questions);
            if (_released)
            {
                await _socket.SendAsync(NxDomain(request.Buffer), request.RemoteEndPoint, cancellationToken);
            }
            else
            {
                _held.Enqueue((request.Buffer, request.RemoteEndPoint));
                if (_released)
                {
                    Release(); // Release ran between the check and the enqueue
                }
            }
        }
    }

    // The query sent back as a response (QR set, recursion available) with RCODE 3, no records (RFC 1035 section 4.1.1).
    private static byte[] NxDomain(byte[] query)
    {
        byte[] response = (byte[])query.Clone();
        response[2] = (byte)(0x80 | (query[2] & 0x79)); // QR=1, the query's opcode and RD
        response[3] = 0x83;                              // RA=1, RCODE=3
        response.AsSpan(6, 6).Clear();                   // no answer, authority or additional records (the query's EDNS OPT goes)
        int end = 12;
        while (query[end] != 0)
        {
            end += 1 + query[end];
        }

        return response[..(end + 5)]; // the question: name, its zero, type, class
    }
}
