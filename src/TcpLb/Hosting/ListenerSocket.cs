using System.Net;
using Microsoft.Extensions.Logging;
using TcpLb.Forwarding;
using TcpLb.Transport;

namespace TcpLb.Hosting;

/// <summary>
/// One bound listening socket, accepted on by the engine. The listener whose connections it takes
/// (<see cref="Target"/>) can change on reload without the socket closing, so no client is refused while
/// settings change; each accepted connection goes to the handler current at its accept.
/// </summary>
internal sealed class ListenerSocket
{
    private readonly SocketListener _socket;
    private RunningListener _target;
    private IAcceptor? _acceptor;

    private ListenerSocket(SocketListener socket, IPEndPoint configured, RunningListener target)
    {
        _socket = socket;
        Configured = configured;
        _target = target;
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

    /// <summary>Binds and listens now (throws <see cref="System.Net.Sockets.SocketException"/> when the address is taken).</summary>
    public static ListenerSocket Bind(IPEndPoint configured, RunningListener target, TimeProvider time, ILogger logger) =>
        new(SocketListener.Bind(configured, time, logger), configured, target);

    /// <summary>Starts accepting with <paramref name="engine"/>.</summary>
    public void Start(IConnectionEngine engine) => _acceptor = engine.Accept(_socket, () => Target.Handler);

    /// <summary>Stops accepting and closes the socket; connections already accepted go on.</summary>
    public async Task StopAsync()
    {
        if (_acceptor is not null)
        {
            await _acceptor.StopAsync().ConfigureAwait(false);
        }

        _socket.Dispose();
    }
}
