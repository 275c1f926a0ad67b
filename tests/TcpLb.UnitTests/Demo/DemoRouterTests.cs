using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;
using TcpLb.Demo;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Demo;

/// <summary>What <c>tcplb demo</c> wires together: TcpLb sending PROXY v2 to the demo router, which shows the real client and echoes WebSockets.</summary>
public sealed class DemoRouterTests
{
    [Fact]
    public async Task The_page_shows_the_client_address_the_router_read_from_the_header()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        (var router, IPEndPoint routerEndPoint) = await DemoRouter.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), LogLevel.Warning, cancellationToken);
        await using (router)
        {
            await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(routerEndPoint) with { SendProxy = ProxySendMode.V2 });

            using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken, from: Net.SecondLoopback);
            await client.SendAsync("GET / HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
            string page = Encoding.UTF8.GetString(await Net.ReadToEndAsync(client, cancellationToken));

            Assert.StartsWith("HTTP/1.1 200", page, StringComparison.Ordinal);
            Assert.Contains($"you are 127.0.0.2:{((IPEndPoint)client.LocalEndPoint!).Port}, as seen by the router through TcpLb", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_WebSocket_echo_works_through_TcpLb()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        (var router, IPEndPoint routerEndPoint) = await DemoRouter.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), LogLevel.Warning, cancellationToken);
        await using (router)
        {
            await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(routerEndPoint) with { SendProxy = ProxySendMode.V2 });
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://{lb.EndPoint}/ws"), cancellationToken);

            foreach (int size in new[] { 1, 125, 126, 65536, 1024 * 1024 })
            {
                byte[] message = System.Security.Cryptography.RandomNumberGenerator.GetBytes(size);
                await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
                Assert.Equal(message, await ReceiveMessageAsync(socket, cancellationToken));
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
        }
    }

    [Fact]
    public async Task The_router_refuses_a_connection_without_a_PROXY_header()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        (var router, IPEndPoint routerEndPoint) = await DemoRouter.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), LogLevel.Warning, cancellationToken);
        await using (router)
        {
            using Socket direct = await Net.ConnectAsync(routerEndPoint, cancellationToken);
            await direct.SendAsync("GET / HTTP/1.1\r\nHost: demo\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
            Assert.Equal("reset", await Net.ReadEndAsync(direct, cancellationToken)); // closed unanswered
        }
    }

    [Fact]
    public async Task A_WebSocket_client_that_leaves_without_a_close_frame_is_one_debug_line_not_an_error()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var logs = new CapturingLoggerProvider();
        (var router, IPEndPoint routerEndPoint) = await DemoRouter.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), LogLevel.Debug, cancellationToken, logs);
        await using (router)
        {
            await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(routerEndPoint) with { SendProxy = ProxySendMode.V2 });
            using (var socket = new ClientWebSocket())
            {
                await socket.ConnectAsync(new Uri($"ws://{lb.EndPoint}/ws"), cancellationToken);
                await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                Assert.Equal("hello"u8.ToArray(), await ReceiveMessageAsync(socket, cancellationToken));
                socket.Abort(); // gone, no close frame: a closed browser tab
            }

            await TcpLbUnderTest.WaitUntilAsync(() => logs.Lines.Any(line => line.EventId == 700), "the router logs that the client left", cancellationToken);
            Assert.Contains(logs.Lines, line => line.EventId == 700 && line.Level == LogLevel.Debug && line.Message.Contains("left without a close frame", StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Lines, line => line.Level >= LogLevel.Warning);
        }
    }

    private static async Task<byte[]> ReceiveMessageAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return message.ToArray();
            }
        }
    }
}
