using TcpLb.Inspection;
using TcpLb.ProxyProtocol;

namespace TcpLb.Routing;

/// <summary>
/// One connection as routes see it, built once per choice: the SNI and host lower-cased into the caller's
/// stack buffers (names longer than 255 bytes, which no DNS pattern can match, are left out), the ALPN offer,
/// the WebSocket verdict, the reported client address.
/// </summary>
internal readonly ref struct RouteInput
{
    /// <summary>The most a name compared by a route holds.</summary>
    public const int MaxNameLength = Tls.MaxHostNameLength;

    private RouteInput(ReadOnlySpan<byte> serverName, AlpnProtocolList alpn, ReadOnlySpan<byte> host, bool isWebSocket, ProxyAddress client)
    {
        ServerName = serverName;
        Alpn = alpn;
        Host = host;
        IsWebSocket = isWebSocket;
        Client = client;
    }

    /// <summary>The ClientHello's server name, lower-cased; empty for no TLS or no SNI.</summary>
    public ReadOnlySpan<byte> ServerName { get; }

    /// <summary>The protocols the ClientHello offers; empty for no TLS.</summary>
    public AlpnProtocolList Alpn { get; }

    /// <summary>The HTTP request's host, port stripped, lower-cased; empty for no HTTP or no host.</summary>
    public ReadOnlySpan<byte> Host { get; }

    /// <summary>The request is a WebSocket opening handshake.</summary>
    public bool IsWebSocket { get; }

    /// <summary>The client as reported (after a trusted upstream's header).</summary>
    public ProxyAddress Client { get; }

    /// <summary>
    /// Reads what routes compare from <paramref name="firstBytes"/>; <paramref name="serverName"/> and
    /// <paramref name="host"/> are <see cref="MaxNameLength"/>-byte buffers the names are copied into.
    /// </summary>
    public static RouteInput From(scoped in InspectionResult firstBytes, ProxyAddress client, Span<byte> serverName, Span<byte> host)
    {
        bool tls = firstBytes.IsFound && firstBytes.Protocol == DetectedProtocol.Tls;
        bool http = firstBytes.IsFound && firstBytes.Protocol == DetectedProtocol.Http;
        return new RouteInput(
            tls ? LowerCase(firstBytes.Hello.ServerName, serverName) : default,
            tls ? firstBytes.Hello.Alpn : default,
            http ? LowerCase(firstBytes.Head.Host, host) : default,
            http && firstBytes.Head.IsWebSocketUpgrade,
            client);
    }

    private static ReadOnlySpan<byte> LowerCase(InspectedBytes name, Span<byte> buffer)
    {
        if (name.IsEmpty || !name.TryCopyTo(buffer))
        {
            return default;
        }

        Span<byte> copy = buffer[..name.Length];
        System.Text.Ascii.ToLowerInPlace(copy, out _);
        return copy;
    }
}
