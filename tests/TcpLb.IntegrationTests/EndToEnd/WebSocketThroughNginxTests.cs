using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using TcpLb.Configuration;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.EndToEnd;

/// <summary>
/// A WebSocket from 127.0.0.2 through TcpLb → nginx (proxy_protocol, Upgrade passed on like a Deis router)
/// → a Kestrel echo app: frames of every length class (7-bit, 16-bit, 64-bit) come back byte-for-byte, and
/// the app saw the client's address in X-Forwarded-For.
/// </summary>
public sealed class WebSocketThroughNginxTests
{
    private static readonly int[] s_messageSizes = [1, 125, 126, 64 * 1024, 1024 * 1024];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task WebSocket_through_TcpLb_and_nginx_echoes_binary_messages_byte_for_byte_and_the_app_sees_the_client_address(int proxyVersion)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using WebSocketEchoServer echo = await WebSocketEchoServer.StartAsync(cancellationToken);
        using NginxRouter nginx = await NginxRouter.StartAsync(cancellationToken, webSocketUpstream: echo.EndPoint);
        await using TcpLbUnderTest tcplb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(nginx.ProxyProtocolEndPoint) with
        {
            SendProxy = proxyVersion == 1 ? ProxySendMode.V1 : ProxySendMode.V2,
        });

        using var handler = new SocketsHttpHandler { ConnectCallback = ConnectFromSecondLoopbackAsync };
        using var invoker = new HttpMessageInvoker(handler);
        using var webSocket = new ClientWebSocket();
        await webSocket.ConnectAsync(new Uri($"ws://{tcplb.EndPoint}/ws"), invoker, cancellationToken);

        foreach (int size in s_messageSizes)
        {
            byte[] message = new byte[size];
            Random.Shared.NextBytes(message);

            // Read while writing: a 1 MiB echo must not wait for the whole send to drain.
            Task<byte[]> echoed = ReceiveMessageAsync(webSocket, cancellationToken);
            await webSocket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);

            byte[] received = await echoed;
            Assert.True(message.AsSpan().SequenceEqual(received), $"the {size} B message came back as {received.Length} B, not byte-for-byte");
        }

        await webSocket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken);
        Assert.Equal(WebSocketState.Closed, webSocket.State);
        Assert.Equal(["127.0.0.2"], echo.ForwardedFor);
    }

    private static async ValueTask<Stream> ConnectFromSecondLoopbackAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var target = new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port);
        Socket socket = await Net.ConnectAsync(target, cancellationToken, from: Net.SecondLoopback);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>One whole binary message, however many receives it takes.</summary>
    internal static async Task<byte[]> ReceiveMessageAsync(WebSocket webSocket, CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            ValueWebSocketReceiveResult received = await webSocket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            Assert.Equal(WebSocketMessageType.Binary, received.MessageType);
            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                return message.ToArray();
            }
        }
    }
}
