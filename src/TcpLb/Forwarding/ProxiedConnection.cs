using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using TcpLb.Model;
using TcpLb.Tlvs;
using TcpLb.Transport;

namespace TcpLb.Forwarding;

/// <summary>
/// One client connection of the sockets engine and, once dialled, its backend connection: the two sockets, one
/// pipe per direction, the traffic of each direction and how it ended. Abort resets both sockets at once, which
/// ends every loop still running on them.
/// </summary>
internal sealed class ProxiedConnection : IOpenConnection
{
    private readonly Lock _sockets = new();
    private int _closeReason;
    private int _phase;
    private bool _aborted;

    public ProxiedConnection(Socket client, ListenerTag listener, TimeProvider time, ConnectionId id)
    {
        Id = id;
        Client = client;
        Listener = listener;
        ClientEndPoint = (IPEndPoint)client.RemoteEndPoint!;
        ListenerEndPoint = (IPEndPoint)client.LocalEndPoint!;
        Upstream = new TrafficMeter(time);
        Downstream = new TrafficMeter(time);
        StartTimestamp = time.GetTimestamp();
    }

    public Socket Client { get; }

    public ConnectionId Id { get; }

    public ListenerTag Listener { get; }

    /// <summary>Set by the flow as it goes (a moment's value for status).</summary>
    public ConnectionPhase Phase
    {
        get => Upstream.Ended || Downstream.Ended ? ConnectionPhase.HalfClosed : (ConnectionPhase)Volatile.Read(ref _phase);
        set => Volatile.Write(ref _phase, (int)value);
    }

    public long BytesFromClient => Upstream.Bytes;

    public long BytesFromBackend => Downstream.Bytes;

    public bool ClientDirectionEnded => Upstream.Ended;

    public Socket? Backend { get; private set; }

    /// <summary>Set by the flow once a backend accepted the connection.</summary>
    public BackendState? CurrentBackend { get; set; }

    public PublishedTraffic Traffic { get; } = new();

    /// <summary>The client's real endpoint (the upstream balancer's, behind one).</summary>
    public IPEndPoint ClientEndPoint { get; }

    /// <summary>The listener address the client connected to.</summary>
    public IPEndPoint ListenerEndPoint { get; }

    /// <summary>Client to backend.</summary>
    public Pipe ClientToBackend { get; } = new(SocketPipeOptions.Default);

    /// <summary>Backend to client.</summary>
    public Pipe BackendToClient { get; } = new(SocketPipeOptions.Default);

    /// <summary>Bytes from the client.</summary>
    public TrafficMeter Upstream { get; }

    /// <summary>Bytes from the backend.</summary>
    public TrafficMeter Downstream { get; }

    public long StartTimestamp { get; }

    public CloseReason CloseReason => (CloseReason)Volatile.Read(ref _closeReason);

    /// <summary>Records the reason, unless one was recorded first.</summary>
    public bool TrySetCloseReason(CloseReason reason) =>
        Interlocked.CompareExchange(ref _closeReason, (int)reason, (int)CloseReason.None) == (int)CloseReason.None;

    /// <summary>Adopts the dialled backend socket; false (and the socket closed) when the connection was aborted meanwhile.</summary>
    public bool AttachBackend(Socket backend)
    {
        lock (_sockets)
        {
            if (!_aborted)
            {
                Backend = backend;
                return true;
            }
        }

        backend.Dispose();
        return false;
    }

    /// <summary>Resets both sides (RST), recording <paramref name="reason"/> if it is the first.</summary>
    public void Abort(CloseReason reason)
    {
        TrySetCloseReason(reason);
        Socket? backend;
        lock (_sockets)
        {
            if (_aborted)
            {
                return;
            }

            _aborted = true;
            backend = Backend;
        }

        SocketErrors.Reset(Client);
        if (backend is not null)
        {
            SocketErrors.Reset(backend);
        }
    }

    /// <summary>
    /// Closes both sockets with a FIN (already sent by the send loops when the connection completed). The
    /// shutdown first ends a receive still pending, which a bare close would turn into a reset. When both
    /// directions ended in order, both FINs were received and passed on: nothing is pending, and the two
    /// shutdown calls are skipped (two system calls less per connection; measured in bench/README.md).
    /// </summary>
    public void Close()
    {
        lock (_sockets)
        {
            _aborted = true;
        }

        bool bothEnded = Upstream.Ended && Downstream.Ended;
        ShutdownAndClose(Client, bothEnded);
        if (Backend is not null)
        {
            ShutdownAndClose(Backend, bothEnded);
        }
    }

    private static void ShutdownAndClose(Socket socket, bool alreadyShutDown)
    {
        if (alreadyShutDown)
        {
            socket.Dispose();
            return;
        }

        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already reset or closed.
        }

        socket.Dispose();
    }
}
