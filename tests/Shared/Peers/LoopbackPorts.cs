using System.Net;
using System.Net.Sockets;

namespace TcpLb.Testing;

/// <summary>Ports for peers that must be told theirs up front (HAProxy, nginx): free a moment ago, on 127.0.0.1.</summary>
internal static class LoopbackPorts
{
    public static int Free()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Waits until something accepts on 127.0.0.1:<paramref name="port"/>: 200 tries, 50 ms apart, or until <paramref name="exited"/> says the process died.</summary>
    public static async Task WaitUntilAcceptingAsync(int port, Func<bool> exited, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 200 && !exited(); attempt++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException(exited() ? "the process exited before listening" : $"nothing listened on 127.0.0.1:{port} within 10 s");
    }
}
