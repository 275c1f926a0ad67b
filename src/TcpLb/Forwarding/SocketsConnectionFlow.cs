using System.IO.Pipelines;
using System.Net.Sockets;
using TcpLb.Configuration;
using TcpLb.Inspection;
using TcpLb.Model;
using TcpLb.ProxyProtocol;
using TcpLb.Transport;

namespace TcpLb.Forwarding;

/// <summary>
/// One accepted connection's life on the portable engine (System.Net.Sockets and System.IO.Pipelines): who the
/// client is (a trusted upstream's PROXY header, or the socket) → the client's first bytes (client-first), inspected
/// while a route needs them → the route → a backend of its pool → header and first bytes in one write → both
/// directions pumped, half-close aware → one close, accounted by the handler. The handler decides each step; this
/// runs them as awaits. The first bytes wait in the pipe, read again from its start until inspection has a verdict.
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
            connection = new ProxiedConnection(client, handler.Listener, handler.Time, handler.NextId());
        }
        catch (SocketException)
        {
            client.Dispose(); // reset before we could even read its endpoints
            admission.Release();
            return;
        }

        handler.Accepted(connection);
        ProxyHeader? reported = null;
        RouteTarget? route = null;
        BackendState? backendState = null;
        PooledPrefix header = default; // composed once routed; the send loop returns it once sent, else the end does
        Task<PumpEnd> clientReceive = SocketPump.ReceiveAsync(client, connection.ClientToBackend.Writer, connection.Upstream);
        try
        {
            reported = await IdentifyClientAsync(handler, connection, shutdown).ConfigureAwait(false);
            if (reported is not { } described)
            {
                return;
            }

            (route, header) = handler.Options.Connect == ConnectMode.OnFirstBytes
                ? await RouteOnFirstBytesAsync(handler, connection, described, shutdown).ConfigureAwait(false)
                : RouteBy(handler, connection, described, default);
            if (route is null)
            {
                return;
            }

            connection.Phase = ConnectionPhase.Connecting;
            ulong clientHash = ConnectionHandler.ClientHash(described, connection.ClientEndPoint.Address);
            (Socket? socket, backendState, CloseReason failure) = await route.Connector.ConnectAsync(connection.ClientEndPoint, clientHash, shutdown).ConfigureAwait(false);
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
                PooledPrefix sent = header;
                header = default;
                await PumpAsync(connection, route, clientReceive, sent, handler.Time).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            handler.Unexpected(connection.ClientEndPoint, exception);
            connection.Abort(CloseReason.ClientReset);
        }
        finally
        {
            header.Return();
            connection.TrySetCloseReason(CloseReason.Completed);
            connection.Close();
            await clientReceive.ConfigureAwait(false);
            await connection.ClientToBackend.Reader.CompleteAsync().ConfigureAwait(false);
            handler.Finish(connection, admission, reported, route, backendState);
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

    /// <summary>
    /// Client-first: waits for the first bytes and, while the routes (or TLVs) need what they show, for enough of them to
    /// tell (at most <c>inspectBytes</c>, until the first-bytes timeout); then routes and composes the header while the
    /// bytes are still in the pipe, and leaves them there for the send loop: they go out with the header. No route when the
    /// client left before sending anything.
    /// </summary>
    private static async Task<(RouteTarget? Route, PooledPrefix Header)> RouteOnFirstBytesAsync(ConnectionHandler handler, ProxiedConnection connection, ProxyHeader client, CancellationToken shutdown)
    {
        ListenerRouting routing = handler.Routing;
        PipeReader reader = connection.ClientToBackend.Reader;
        using var timeout = new CancellationTokenSource(SinceAccept(handler, connection, handler.Options.Timeouts.FirstBytes), handler.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, shutdown);
        connection.Phase = ConnectionPhase.WaitingForFirstBytes; // once the deadline runs: whoever sees the phase sees its clock
        while (true)
        {
            ReadResult read;
            bool timedOut = false;
            try
            {
                read = await reader.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
            {
                // A server-speaks-first protocol, or a client slow to show enough: routed by what came, if anything.
                if (!reader.TryRead(out read))
                {
                    return RouteBy(handler, connection, client, default);
                }

                timedOut = true;
            }

            if (read.Buffer.IsEmpty && read.IsCompleted)
            {
                reader.AdvanceTo(read.Buffer.Start);
                connection.TrySetCloseReason(CloseReason.ClientClosedBeforeData);
                return (null, default);
            }

            InspectionResult firstBytes = routing.InspectsFirstBytes ? FirstBytesInspector.Inspect(read.Buffer, routing.InspectBytes) : default;
            if (routing.InspectsFirstBytes && firstBytes.Status == InspectionStatus.NeedMore && !read.IsCompleted && !timedOut)
            {
                reader.AdvanceTo(firstBytes.Consumed, firstBytes.Examined); // nothing taken: the next read waits for more than this
                continue;
            }

            (RouteTarget, PooledPrefix) routed = RouteBy(handler, connection, client, firstBytes); // the header copies from the bytes: before AdvanceTo
            reader.AdvanceTo(read.Buffer.Start);
            return routed;
        }
    }

    private static (RouteTarget, PooledPrefix) RouteBy(ConnectionHandler handler, ProxiedConnection connection, in ProxyHeader client, in InspectionResult firstBytes)
    {
        RouteTarget route = handler.Route(firstBytes, client);
        return (route, handler.WriteHeader(client, route, firstBytes, connection.Id));
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

    private static async Task PumpAsync(ProxiedConnection connection, RouteTarget route, Task<PumpEnd> clientReceive, PooledPrefix header, TimeProvider time)
    {
        Socket backend = connection.Backend!;
        using var watchdog = new ConnectionWatchdog(connection, route.Timeouts, time);

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
