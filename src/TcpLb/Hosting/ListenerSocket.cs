using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpLb.Forwarding;
using TcpLb.Transport;

namespace TcpLb.Hosting;

/// <summary>
/// One bound listening socket and its accept loop. The listener whose connections it takes
/// (<see cref="Target"/>) can change on reload without the socket closing, so no client is refused while
/// settings change; each accepted connection goes to the handler current at its accept.
/// </summary>
internal sealed class ListenerSocket
{
    private readonly SocketListener _socket;
    private readonly CancellationTokenSource _stop;
    private RunningListener _target;
    private ConnectionHandler? _reserved; // the handler whose slot the next accepted socket uses; only the loop touches it
    private Task _loop = Task.CompletedTask;

    private ListenerSocket(SocketListener socket, IPEndPoint configured, RunningListener target, CancellationToken stopAccepting)
    {
        _socket = socket;
        Configured = configured;
        _target = target;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(stopAccepting);
    }

    /// <summary>The address as configured (port 0 stays 0), which reloads compare.</summary>
    public IPEndPoint Configured { get; }

    /// <summary>The address actually bound.</summary>
    public IPEndPoint LocalEndPoint => _socket.LocalEndPoint;

    public RunningListener Target
    {
        get => Volatile.Read(ref _target);
        set => Volatile.Write(ref _target, value);
    }

    /// <summary>Binds and listens now (throws <see cref="SocketException"/> when the address is taken).</summary>
    public static ListenerSocket Bind(IPEndPoint configured, RunningListener target, TimeProvider time, ILogger logger, CancellationToken stopAccepting) =>
        new(SocketListener.Bind(configured, time, logger), configured, target, stopAccepting);

    /// <summary>Starts accepting; each connection is handed to <paramref name="track"/>.</summary>
    public void Start(Action<Task> track, CancellationToken shutdown) =>
        _loop = _socket.AcceptLoopAsync(WaitForSlotAsync, socket => Accepted(socket, track, shutdown), _stop.Token);

    /// <summary>Stops accepting and closes the socket; connections already accepted go on.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _loop.ConfigureAwait(false);
        Interlocked.Exchange(ref _reserved, null)?.ReleaseSlot(); // a slot taken for an accept that never came
        _stop.Dispose();
    }

    private async Task WaitForSlotAsync(CancellationToken cancellationToken)
    {
        ConnectionHandler handler = Target.Handler;
        await handler.WaitForSlotAsync(cancellationToken).ConfigureAwait(false);
        _reserved = handler;
    }

    // The connection gets the settings current now, even if a reload came while the accept was pending.
    private void Accepted(Socket socket, Action<Task> track, CancellationToken shutdown)
    {
        ConnectionHandler slotOwner = Interlocked.Exchange(ref _reserved, null)!;
        track(Target.Handler.HandleAsync(socket, slotOwner, shutdown));
    }
}
