using System.Net;
using System.Net.Sockets;

namespace TcpLb.Hosting;

/// <summary>
/// A listener address that cannot be bound (taken, not one of this host's, not permitted), named in the message:
/// <c>cannot listen on 127.0.0.1:8080: Address already in use</c>.
/// </summary>
internal sealed class ListenAddressException(IPEndPoint address, SocketException inner) : Exception($"cannot listen on {address}: {inner.Message}", inner)
{
    /// <summary>The address as configured.</summary>
    public IPEndPoint Address { get; } = address;

    /// <summary>Why, as the socket said it.</summary>
    public SocketError Error => inner.SocketErrorCode;
}
