using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Support;

/// <summary>
/// .NET's own HTTP and WebSocket clients on real sockets, optionally from 127.0.0.2, optionally writing a PROXY header
/// first (as a balancer would), and trusting exactly one certificate for TLS.
/// </summary>
internal static class HttpClients
{
    /// <summary>A handler whose every connection comes from <paramref name="from"/> and opens with <paramref name="header"/>; it records each connection's local endpoint.</summary>
    public static SocketsHttpHandler Handler(List<IPEndPoint> connections, byte[]? header = null, IPAddress? from = null, string? trustedThumbprint = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    if (from is not null)
                    {
                        socket.Bind(new IPEndPoint(from, 0));
                    }

                    // Every test server is on 127.0.0.1; the URI's host name is only for TLS (SNI, certificate name).
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                    if (header is not null)
                    {
                        await socket.SendAsync(header, SocketFlags.None, cancellationToken);
                    }

                    lock (connections)
                    {
                        connections.Add((IPEndPoint)socket.LocalEndPoint!);
                    }

                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            PooledConnectionLifetime = TimeSpan.Zero,
        };
        if (trustedThumbprint is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                // Trust exactly the certificate the test made, nothing else.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == trustedThumbprint,
            };
        }

        return handler;
    }

    /// <summary>A GET with exactly the given HTTP version (no fallback), returning the body of a success.</summary>
    public static async Task<Dictionary<string, string>> GetWhoAmIAsync(HttpMessageHandler handler, Uri uri, Version version, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(handler, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using HttpResponseMessage response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return WhoAmI.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Opens <paramref name="uri"/> (ws:// or wss://), returns the first message (the app's WhoAmI), and checks that one message echoes.</summary>
    public static async Task<Dictionary<string, string>> WebSocketWhoAmIAsync(HttpMessageHandler handler, Uri uri, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        await socket.ConnectAsync(uri, invoker, cancellationToken);
        string whoAmI = await ReceiveTextAsync(socket, cancellationToken);

        await socket.SendAsync("ping through the header"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        string echo = await ReceiveTextAsync(socket, cancellationToken);
        if (echo != "ping through the header")
        {
            throw new InvalidOperationException($"the WebSocket echoed '{echo}'");
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
        return WhoAmI.Parse(whoAmI);
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        byte[] buffer = new byte[4096];
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, received.Count);
        }
        while (!received.EndOfMessage);

        return Encoding.UTF8.GetString(message.ToArray());
    }
}
