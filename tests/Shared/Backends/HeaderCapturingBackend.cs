using System.Buffers;
using System.Net;
using System.Net.Sockets;

using TcpLb.ProxyProtocol;

namespace TcpLb.Testing;

/// <summary>
/// A loopback listener standing where a router would: it accepts one connection, parses the PROXY
/// header a real peer sent with our codec, and returns it with the payload bytes that followed.
/// </summary>
internal sealed class HeaderCapturingBackend : IDisposable
{
    private readonly TestBackend _listener = new();

    public IPEndPoint EndPoint => _listener.EndPoint;

    /// <summary>True when a connection waits to be accepted now (no wait).</summary>
    public bool HasPendingConnection => _listener.HasPendingConnection(TimeSpan.Zero);

    /// <summary>Accepts one connection and reads until the header and <paramref name="payloadLength"/> bytes after it have arrived.</summary>
    public async Task<(ProxyParseResult Result, ProxyHeader Header, byte[] Payload)> CaptureAsync(int payloadLength, CancellationToken cancellationToken)
    {
        using Socket connection = await _listener.AcceptAsync(cancellationToken);
        var received = new ArrayBufferWriter<byte>();
        while (true)
        {
            var input = new ReadOnlySequence<byte>(received.WrittenMemory);
            ProxyParseResult result = ProxyHeaderParser.Parse(input);
            if (result.Status == ProxyParseStatus.Complete && input.Length - result.BytesConsumed >= payloadLength)
            {
                return (result, result.Header.ToOwned(), input.Slice(result.Consumed).ToArray());
            }

            if (result.Status is ProxyParseStatus.Invalid or ProxyParseStatus.NotProxy)
            {
                throw new InvalidOperationException($"the peer sent {result.Status} ({result.Error.Describe()}): {Convert.ToHexString(received.WrittenSpan)}");
            }

            int read = await connection.ReceiveAsync(received.GetMemory(4096), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new InvalidOperationException($"the peer closed after {received.WrittenCount} bytes: {Convert.ToHexString(received.WrittenSpan)}");
            }

            received.Advance(read);
        }
    }

    public void Dispose() => _listener.Dispose();
}
