using System.Net.Sockets;

namespace TcpLb.Transport;

/// <summary>The one place socket failures are classified: the peer reset us, or we closed the socket ourselves.</summary>
internal static class SocketErrors
{
    public static PumpEnd Classify(Exception exception) => exception switch
    {
        ObjectDisposedException => PumpEnd.Aborted,
        OperationCanceledException => PumpEnd.Aborted,
        SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted } => PumpEnd.Aborted,
        _ => PumpEnd.Reset, // ConnectionReset, ConnectionAborted, Shutdown (EPIPE), and anything unexpected
    };

    /// <summary>Closes with RST instead of FIN: a reset on one side resets the other.</summary>
    public static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already closed: nothing left to reset.
        }

        socket.Dispose();
    }
}
