using TcpLb.Transport;

namespace TcpLb.Forwarding;

/// <summary>
/// Carries connections from accept to close: the portable engine (<see cref="SocketsEngine"/>) or the Linux event
/// loops (<see cref="EpollEngine"/>). Both admit, register and account connections through the
/// <see cref="ConnectionHandler"/> of the moment, so they behave alike; they differ in how bytes move.
/// </summary>
internal interface IConnectionEngine : IAsyncDisposable
{
    /// <summary>The name operators choose it by: <c>sockets</c> or <c>epoll</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Starts accepting on <paramref name="listener"/> (bound and listening). Each connection is admitted by, and
    /// carried under, the handler <paramref name="currentHandler"/> returns at its accept (a reload changes it).
    /// </summary>
    IAcceptor Accept(SocketListener listener, Func<ConnectionHandler> currentHandler);
}

/// <summary>Accepting on one listening socket.</summary>
internal interface IAcceptor
{
    /// <summary>Stops accepting; accepted connections go on. The listening socket stays its owner's to close.</summary>
    Task StopAsync();
}
