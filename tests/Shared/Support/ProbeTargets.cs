using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Configuration;
using TcpLb.Model;

namespace TcpLb.Testing;

/// <summary>Backends for the real-socket probe tests, and the server side's chores.</summary>
internal static class ProbeTargets
{
    public static BackendState At(EndPoint address) => new(new BackendOptions { Address = address }, TimeProvider.System);

    /// <summary>A loopback port nothing listens on (free a moment ago): connects to it are refused.</summary>
    public static IPEndPoint ClosedPort() => new(IPAddress.Loopback, LoopbackPorts.Free());

    /// <summary>Reads what the client sent up to and including the blank line that ends an HTTP request head.</summary>
    public static async Task<byte[]> ReadRequestHeadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        byte[] buffer = new byte[1024];
        while (!EndsWithBlankLine(received))
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new EndOfStreamException($"the probe closed after {received.Count} bytes: {Encoding.ASCII.GetString([.. received])}");
            }

            received.AddRange(buffer.AsSpan(0, n));
        }

        return [.. received];
    }

    private static bool EndsWithBlankLine(List<byte> bytes) =>
        bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n';
}
