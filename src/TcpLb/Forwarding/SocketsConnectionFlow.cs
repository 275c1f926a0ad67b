using System.IO.Pipelines;
using System.Net.Sockets;
using TcpLb.Configuration;
using TcpLb.Model;
using TcpLb.ProxyProtocol;
using TcpLb.Transport;

namespace TcpLb.Forwarding;

/// <summary>
/// One accepted connection's life on the portable engine (System.Net.Sockets and System.IO.Pipelines): who the
/// client is (a trusted upstream's PROXY header, or the socket) → the client's first bytes (client-first) → a
/// backend → header and first bytes in one write → both directions pumped, half-close aware → one close, accounted
/// by the handler. The handler decides each step; this runs them as awaits.
/// </summary>
internal static class SocketsConnectionFlow
{
    public static async Task RunAsync(ConnectionHandler handler, ListenerAdmission admission, Socket client, CancellationToken shutdown)
    {
        ProxiedConnection connection;
        try
        {
            client.NoDelay = true;
            EnableKeepalive(handler, client);
            connection = new ProxiedConnection(client, handler.Listener, handler.Time);
        }
        catch (SocketException)
        {
            client.Dispose(); // reset before we could even read its endpoints
            admission.Release();
            return;
        }

        handler.Accepted(connection);
        ProxyHeader? reported = null;
        BackendState? backendState = null;
        Task<PumpEnd> clientReceive = SocketPump.ReceiveAsync(client, connection.ClientToBackend.Writer, connection.Upstream);
        try
        {
            reported = await IdentifyClientAsync(handler, connection, shutdown).ConfigureAwait(false);
            if (reported is not { } header)
            {
                return;
            }

            if (handler.Options.Connect == ConnectMode.OnFirstBytes && !await WaitForFirstBytesAsync(handler, connection, shutdown).ConfigureAwait(false))
            {
                return;
            }

            connection.Phase = ConnectionPhase.Connecting;
            ulong clientHash = ConnectionHandler.ClientHash(header, connection.ClientEndPoint.Address);
            (Socket? socket, backendState, CloseReason failure) = await handler.Connector.ConnectAsync(connection.ClientEndPoint, clientHash, shutdown).ConfigureAwait(false);
            if (socket is null)
            {
                handler.NoBackend(connection.ClientEndPoint, failure);
                connection.TrySetCloseReason(shutdown.IsCancellationRequested ? CloseReason.Shutdown : failure);
                return;
            }

            EnableKeepalive(handler, socket);
            connection.CurrentBackend = backendState;
            if (connection.AttachBackend(socket))
            {
                connection.Phase = ConnectionPhase.Established;
                await PumpAsync(handler, connection, clientReceive, handler.WriteHeader(header)).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            handler.Unexpected(connection.ClientEndPoint, exception);
            connection.Abort(CloseReason.ClientReset);
        }
        finally
        {
            connection.TrySetCloseReason(CloseReason.Completed);
            connection.Close();
            await clientReceive.ConfigureAwait(false);
            await connection.ClientToBackend.Reader.CompleteAsync().ConfigureAwait(false);
            handler.Finish(connection, admission, reported, backendState);
        }
    }

    /// <summary>The connection the PROXY header we send will describe, or null when the connection must close.</summary>
    private static async Task<ProxyHeader?> IdentifyClientAsync(ConnectionHandler handler, ProxiedConnection connection, CancellationToken shutdown)
    {
        ProxyHeader direct = ProxyHeader.ForTcp(connection.ClientEndPoint, connection.ListenerEndPoint);
        switch (handler.Classify(connection.ClientEndPoint))
        {
            case ClientSource.Direct:
                return direct;
            case ClientSource.Refused:
                connection.Abort(CloseReason.UntrustedSource);
                return null;
        }

        connection.Phase = ConnectionPhase.WaitingForHeader;
        using var timeout = new CancellationTokenSource(SinceAccept(handler, connection, handler.Options.Timeouts.ProxyHeader), handler.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, shutdown);
        try
        {
            var (status, header, error) = await UpstreamHeaderReader.ReadAsync(
                connection.ClientToBackend.Reader, handler.ParserOptions, handler.Options.ForwardTlvs, linked.Token).ConfigureAwait(false);
            if (status == ProxyParseStatus.Complete)
            {
                return handler.HeaderAccepted(header, direct);
            }

            handler.HeaderRefused(connection.ClientEndPoint, status, error);
            connection.Abort(CloseReason.InvalidProxyHeader);
            return null;
        }
        catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
        {
            handler.HeaderTimedOut(connection.ClientEndPoint);
            connection.Abort(CloseReason.ProxyHeaderTimeout);
            return null;
        }
    }

    /// <summary>Client-first: waits for the first bytes (or the timeout: dial anyway). False when the client left first.</summary>
    private static async Task<bool> WaitForFirstBytesAsync(ConnectionHandler handler, ProxiedConnection connection, CancellationToken shutdown)
    {
        connection.Phase = ConnectionPhase.WaitingForFirstBytes;
        using var timeout = new CancellationTokenSource(SinceAccept(handler, connection, handler.Options.Timeouts.FirstBytes), handler.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, shutdown);
        try
        {
            PipeReader reader = connection.ClientToBackend.Reader;
            ReadResult read = await reader.ReadAsync(linked.Token).ConfigureAwait(false);
            bool leftFirst = read.Buffer.IsEmpty && read.IsCompleted;
            reader.AdvanceTo(read.Buffer.Start); // leave the bytes for the send loop: they go out with the header
            if (leftFirst)
            {
                connection.TrySetCloseReason(CloseReason.ClientClosedBeforeData);
            }

            return !leftFirst;
        }
        catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
        {
            return true; // a server-speaks-first protocol: dial without client bytes
        }
    }

    private static void EnableKeepalive(ConnectionHandler handler, Socket socket)
    {
        if (handler.KeepaliveSeconds > 0)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, handler.KeepaliveSeconds);
        }
    }

    // The header and first-bytes timeouts count from the accept, not from when this step began.
    private static TimeSpan SinceAccept(ConnectionHandler handler, ProxiedConnection connection, TimeSpan timeout)
    {
        TimeSpan left = timeout - handler.Time.GetElapsedTime(connection.StartTimestamp);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static async Task PumpAsync(ConnectionHandler handler, ProxiedConnection connection, Task<PumpEnd> clientReceive, PooledPrefix header)
    {
        Socket backend = connection.Backend!;
        using var watchdog = new ConnectionWatchdog(connection, handler.Options.Timeouts, handler.Time);

        // Each loop tells the watchdog how it ended as its last step, so a reset on one side resets the other
        // at once whatever order these awaits run in; the client receive loop began before the watchdog existed.
        Task<PumpEnd> backendSend = SocketPump.SendAsync(backend, connection.ClientToBackend.Reader, header, watchdog, PumpLoop.BackendSend);
        Task<PumpEnd> backendReceive = SocketPump.ReceiveAsync(backend, connection.BackendToClient.Writer, connection.Downstream, watchdog, PumpLoop.BackendReceive);
        Task<PumpEnd> clientSend = SocketPump.SendAsync(connection.Client, connection.BackendToClient.Reader, default, watchdog, PumpLoop.ClientSend);
        watchdog.LoopEnded(PumpLoop.ClientReceive, await clientReceive.ConfigureAwait(false));
        await backendSend.ConfigureAwait(false);
        await backendReceive.ConfigureAwait(false);
        await clientSend.ConfigureAwait(false);
    }
}
