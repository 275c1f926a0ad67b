using System.Buffers;

namespace TcpLb.Inspection;

/// <summary>
/// What an HTTP/1.x request head reveals: the request line, the host it is for, whether it asks for a
/// WebSocket. Views of the bytes received; nothing is copied.
/// </summary>
internal readonly struct RequestHead
{
    internal RequestHead(ReadOnlySequence<byte> method, ReadOnlySequence<byte> target, int minorVersion, InspectedBytes host, bool upgradeWebSocket, bool connectionUpgrade, bool isGet)
    {
        Method = method;
        Target = target;
        MinorVersion = minorVersion;
        Host = host;
        UpgradeWebSocket = upgradeWebSocket;
        ConnectionUpgrade = connectionUpgrade;
        IsWebSocketUpgrade = upgradeWebSocket && connectionUpgrade && isGet && minorVersion >= 1;
    }

    /// <summary>The method token, e.g. <c>GET</c> (case-sensitive, RFC 9110 9.1).</summary>
    public ReadOnlySequence<byte> Method { get; }

    /// <summary>The request-target as sent: origin-form <c>/path?q</c>, absolute-form, authority-form or <c>*</c>.</summary>
    public ReadOnlySequence<byte> Target { get; }

    /// <summary>The <c>y</c> of <c>HTTP/1.y</c>: 0 or 1 (a later 1.y is read as 1.1 would be, RFC 9110 6.2).</summary>
    public int MinorVersion { get; }

    /// <summary>
    /// The host the request is for, without its port and one trailing dot, as a router compares it: the
    /// authority of an absolute-form or authority-form target when there is one (RFC 9112 3.2.2, 3.2.3), else
    /// the Host field. Empty when neither names one (an HTTP/1.0 request, <c>Host:</c> with no value).
    /// Compare case-insensitively (RFC 3986 3.2.2).
    /// </summary>
    public InspectedBytes Host { get; }

    /// <summary>An Upgrade field lists <c>websocket</c> (case-insensitive, RFC 6455 4.1).</summary>
    public bool UpgradeWebSocket { get; }

    /// <summary>A Connection field lists the <c>upgrade</c> option (RFC 9110 7.6.1).</summary>
    public bool ConnectionUpgrade { get; }

    /// <summary>A WebSocket opening handshake (RFC 6455 4.1): GET, HTTP/1.1, Upgrade: websocket, Connection: upgrade.</summary>
    public bool IsWebSocketUpgrade { get; }
}
