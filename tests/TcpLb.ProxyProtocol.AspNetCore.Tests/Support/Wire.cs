using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Support;

/// <summary>A client on a real loopback socket that writes exactly the bytes a test gives, and reads what comes back.</summary>
internal sealed class Wire : IDisposable
{
    /// <summary>127.0.0.2: a client address distinct from 127.0.0.1, so a test can tell whose address the app saw.</summary>
    public static readonly IPAddress SecondLoopback = IPAddress.Parse("127.0.0.2");

    private Wire(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)Socket.LocalEndPoint!;

    public static async Task<Wire> ConnectAsync(IPEndPoint target, CancellationToken cancellationToken, IPAddress? from = null)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (from is not null)
            {
                socket.Bind(new IPEndPoint(from, 0));
            }

            await socket.ConnectAsync(target, cancellationToken);
            return new Wire(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A GET with <c>Connection: close</c>, after <paramref name="prefix"/> (a header, or nothing).</summary>
    public static byte[] Get(string path = "/", byte[]? prefix = null) =>
        Headers.Concat(prefix ?? [], Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n"));

    public async Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += await Socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cancellationToken);
        }
    }

    /// <summary>Everything until the server's FIN; a reset instead returns null.</summary>
    public async Task<string?> ReadToEndAsync(CancellationToken cancellationToken)
    {
        using var received = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return null;
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    /// <summary>Reads until <paramref name="expected"/> has arrived (or throws at the peer's close), returning all of it.</summary>
    public async Task<string> ReadUntilAsync(string expected, CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        byte[] buffer = new byte[16 * 1024];
        while (!received.ToString().Contains(expected, StringComparison.Ordinal))
        {
            int n = await Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new EndOfStreamException($"the server closed before sending '{expected}'; it sent: {received}");
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        return received.ToString();
    }

    /// <summary>The body of an HTTP/1.1 response read to its end; throws with the whole reply when it is not a 200.</summary>
    public static string BodyOf200(string? response)
    {
        if (response is null || !response.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"expected a 200, got: {response ?? "(reset)"}");
        }

        return response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    public void Dispose() => Socket.Dispose();
}
