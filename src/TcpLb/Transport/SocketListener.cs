using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace TcpLb.Transport;

/// <summary>One listening socket and its accept loop; it only accepts, the handler does the rest.</summary>
internal sealed partial class SocketListener : IDisposable
{
    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    private SocketListener(Socket socket, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _time = time;
        _logger = logger;
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>The listening socket's descriptor, for an engine that accepts on it itself (set non-blocking here).</summary>
    public int TakeDescriptorForEventLoops()
    {
        _socket.Blocking = false;
        return (int)_socket.Handle;
    }

    /// <summary>Binds and listens now, so that "accepting" means "ready". <c>[::]</c> also accepts IPv4 (dual-stack).</summary>
    public static SocketListener Bind(IPEndPoint endPoint, TimeProvider time, ILogger logger)
    {
        // A socket systemd passed for this address is already bound and listening, maybe shared with the process we replace.
        if (SocketActivation.TakeListener(endPoint, logger) is { } inherited)
        {
            return new SocketListener(inherited, time, logger);
        }

        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(); // the kernel's maximum backlog
            return new SocketListener(socket, time, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Accepts until disposed, handing each socket to <paramref name="onAccepted"/> without waiting for it.
    /// <paramref name="waitForSlot"/> runs before each accept: at the listener's connection limit it waits,
    /// and clients queue in the kernel's backlog.
    /// </summary>
    public async Task AcceptLoopAsync(Func<CancellationToken, Task> waitForSlot, Action<Socket> onAccepted, CancellationToken stopping)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                await waitForSlot(stopping).ConfigureAwait(false);
                accepted = await _socket.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException exception) when (exception.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                return;
            }
            catch (SocketException exception)
            {
                // Out of descriptors (EMFILE) or a transient error: back off instead of spinning.
                AcceptFailed(_logger, LocalEndPoint, exception.SocketErrorCode);
                try
                {
                    await Task.Delay(s_acceptBackoff, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            onAccepted(accepted);
        }
    }

    public void Dispose() => _socket.Dispose();

    private static readonly TimeSpan s_acceptBackoff = TimeSpan.FromMilliseconds(100);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Accept on {Listener} failed with {Error}; retrying in 100 ms")]
    private static partial void AcceptFailed(ILogger logger, IPEndPoint listener, SocketError error);
}
