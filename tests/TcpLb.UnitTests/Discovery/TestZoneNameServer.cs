using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TcpLb.UnitTests.Discovery;

/// <summary>
/// A tiny UDP name server on 127.0.0.1:0 for one made-up zone, answering with hand-built packets
/// (RFC 1035 section 4.1). Every address it hands out is in 127.0.0.0/8, and nothing here talks to a real
/// name server.
/// <code>
/// routers.test.              A     127.0.0.11, 127.0.0.12    AAAA: none (NOERROR, no data)
/// _router._tcp.routers.test. SRV   10 5 8081 a.routers.test. (its A 127.0.0.21 sent as glue, in the additional section)
///                            SRV   20 1 8082 b.routers.test. (no glue: the client must ask)
/// b.routers.test.            A     127.0.0.22                AAAA: none
/// broken.test.               SERVFAIL
/// anything else              NXDOMAIN
/// </code>
/// </summary>
internal sealed class TestZoneNameServer : IDisposable
{
    private const ushort TypeA = 1;
    private const ushort TypeAaaa = 28;
    private const ushort TypeSrv = 33;
    private const byte NoError = 0;
    private const byte ServFail = 2;
    private const byte NxDomain = 3;

    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public TestZoneNameServer()
    {
        EndPoint = (IPEndPoint)_socket.Client.LocalEndPoint!;
        _serving = ServeAsync(_stop.Token);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Every question asked, as "name TYPE" (e.g. "b.routers.test. A").</summary>
    public ConcurrentQueue<string> Questions { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _ = _serving.Exception; // ended by the disposal; nothing to observe
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

            byte[] response = Answer(request.Buffer);
            await _socket.SendAsync(response, request.RemoteEndPoint, cancellationToken);
        }
    }

    private byte[] Answer(byte[] query)
    {
        // The question starts right after the 12-byte header: labels up to the root's zero length, then type and class.
        int end = 12;
        var name = new StringBuilder();
        while (query[end] != 0)
        {
            name.Append(Encoding.ASCII.GetString(query, end + 1, query[end])).Append('.');
            end += 1 + query[end];
        }

        end += 1;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(end));
        end += 4; // QTYPE, QCLASS
        string question = name.ToString().ToLowerInvariant();
        Questions.Enqueue($"{question} {type switch { TypeA => "A", TypeAaaa => "AAAA", TypeSrv => "SRV", _ => type.ToString() }}");

        var answers = new List<byte[]>();
        var additionals = new List<byte[]>();
        byte rcode = NoError;
        switch (question, type)
        {
            case ("routers.test.", TypeA):
                answers.Add(A(QuestionName, 127, 0, 0, 11));
                answers.Add(A(QuestionName, 127, 0, 0, 12));
                break;
            case ("routers.test.", TypeAaaa):
            case ("b.routers.test.", TypeAaaa):
                break;
            case ("_router._tcp.routers.test.", TypeSrv):
                answers.Add(Srv(priority: 10, weight: 5, port: 8081, "a.routers.test."));
                answers.Add(Srv(priority: 20, weight: 1, port: 8082, "b.routers.test."));
                additionals.Add(A(Name("a.routers.test."), 127, 0, 0, 21));
                break;
            case ("b.routers.test.", TypeA):
                answers.Add(A(QuestionName, 127, 0, 0, 22));
                break;
            case ("broken.test.", _):
                rcode = ServFail;
                break;
            default:
                rcode = NxDomain;
                break;
        }

        var packet = new List<byte>();
        packet.AddRange(query.AsSpan(0, 2));                 // ID: the query's
        packet.Add(0x81);                                    // QR=1 (response), opcode 0, AA=0, TC=0, RD=1
        packet.Add((byte)(0x80 | rcode));                    // RA=1, Z=0, RCODE
        packet.AddRange(UInt16(1));                          // QDCOUNT
        packet.AddRange(UInt16(answers.Count));              // ANCOUNT
        packet.AddRange(UInt16(0));                          // NSCOUNT
        packet.AddRange(UInt16(additionals.Count));          // ARCOUNT (the query's EDNS OPT is not echoed)
        packet.AddRange(query.AsSpan(12, end - 12));         // the question, as asked
        answers.ForEach(packet.AddRange);
        additionals.ForEach(packet.AddRange);
        return [.. packet];
    }

    /// <summary>A compression pointer to offset 12, where the question's name starts.</summary>
    private static byte[] QuestionName => [0xC0, 0x0C];

    private static byte[] A(byte[] owner, byte a, byte b, byte c, byte d) =>
    [
        .. owner,                       // NAME
        .. UInt16(TypeA),               // TYPE
        .. UInt16(1),                   // CLASS IN
        .. UInt32(5),                   // TTL
        .. UInt16(4),                   // RDLENGTH
        a, b, c, d,                     // ADDRESS
    ];

    private static byte[] Srv(ushort priority, ushort weight, ushort port, string target)
    {
        byte[] targetName = Name(target);
        return
        [
            .. QuestionName,                        // NAME
            .. UInt16(TypeSrv),                     // TYPE
            .. UInt16(1),                           // CLASS IN
            .. UInt32(5),                           // TTL
            .. UInt16(6 + targetName.Length),       // RDLENGTH
            .. UInt16(priority),                    // PRIORITY (RFC 2782)
            .. UInt16(weight),                      // WEIGHT
            .. UInt16(port),                        // PORT
            .. targetName,                          // TARGET, uncompressed
        ];
    }

    /// <summary>A name as length-prefixed labels ending with the root's zero length.</summary>
    private static byte[] Name(string name) =>
    [
        .. name.TrimEnd('.').Split('.').SelectMany(label => (byte[])[(byte)label.Length, .. Encoding.ASCII.GetBytes(label)]),
        0,
    ];

    private static byte[] UInt16(int value) => [(byte)(value >> 8), (byte)value];

    private static byte[] UInt32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
