using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Configuration;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Diagnostics;

/// <summary>
/// The access log (event 110, category TcpLb.Access): exactly one line per closed connection, naming the client
/// as reported after PROXY, the listener, the backend, the bytes each way, the duration and how it ended.
/// </summary>
public sealed class AccessLogTests
{
    private const int AccessLine = 110;

    [Theory, BothEngines]
    public async Task One_line_per_connection_names_the_reported_client_listener_backend_bytes_and_termination(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with { AcceptProxyFrom = [IPNetwork.Parse("127.0.0.0/8")] };
        await using var lb = await TcpLbUnderTest.StartAsync(options, engine: engine);
        byte[] header = Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.7 10.0.0.1 5555 80\r\n");

        using (Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken))
        {
            await client.SendAsync(header, SocketFlags.None, cancellationToken);
            using Socket server = await AcceptAfterFirstBytesAsync(client, backend, cancellationToken);
            for (int i = 0; i < 10; i++) // ten reads on each side: still one line
            {
                await client.SendAsync(new byte[100], SocketFlags.None, cancellationToken);
                await Net.ReadExactlyAsync(server, i == 0 ? 101 : 100, cancellationToken);
                await server.SendAsync(new byte[30], SocketFlags.None, cancellationToken);
                await Net.ReadExactlyAsync(client, 30, cancellationToken);
            }

            client.Shutdown(SocketShutdown.Send);
            Assert.Equal("fin", await Net.ReadEndAsync(server, cancellationToken));
            server.Shutdown(SocketShutdown.Send);
            Assert.Equal("fin", await Net.ReadEndAsync(client, cancellationToken));
        }

        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is closed", cancellationToken);
        string line = Assert.Single(lb.Logs.Lines, line => line.EventId == AccessLine).Message;
        // bytes_up counts what the client socket delivered: the upstream's header, the one first byte, ten times 100. The pool
        // is the listener's own, named after its address as configured; the id is the connection's (UNIQUE_ID's when sent).
        Assert.Matches(
            $@"^client=203\.0\.113\.7:5555 listener={Regex(lb.EndPoint)} pool=127\.0\.0\.1:0 backend={Regex(backend.EndPoint)} id=[0-9a-f]{{16}}-[0-9a-f]{{16}} bytes_up={header.Length + 1 + 1000} bytes_down=300 duration_ms=\d+ termination=-- reason=completed$",
            line);
    }

    [Theory, BothEngines]
    public async Task A_backend_reset_is_logged_with_the_termination_state_SD(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
        Socket server = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("x"u8.ToArray(), await Net.ReadExactlyAsync(server, 1, cancellationToken)); // forwarding, then the backend resets
        Net.Reset(server);
        Assert.Equal("reset", await Net.ReadEndAsync(client, cancellationToken));

        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is closed", cancellationToken);
        string line = Assert.Single(lb.Logs.Lines, line => line.EventId == AccessLine).Message;
        Assert.StartsWith($"client={client.LocalEndPoint} ", line, StringComparison.Ordinal); // no PROXY from upstream: the socket's peer
        Assert.Matches(@" bytes_up=1 bytes_down=0 duration_ms=\d+ termination=SD reason=backend_reset$", line);
    }

    [Theory, BothEngines]
    public async Task A_connection_refused_for_its_header_is_logged_without_a_backend(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with { AcceptProxyFrom = [IPNetwork.Parse("127.0.0.0/8")] };
        await using var lb = await TcpLbUnderTest.StartAsync(options, engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
        await Net.ReadEndAsync(client, cancellationToken);

        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is closed", cancellationToken);
        string line = Assert.Single(lb.Logs.Lines, line => line.EventId == AccessLine).Message;
        Assert.Contains(" pool=- backend=- ", line, StringComparison.Ordinal); // refused before it was routed
        Assert.EndsWith("termination=PR reason=invalid_proxy_header", line, StringComparison.Ordinal);
    }

    private static string Regex(IPEndPoint endPoint) => System.Text.RegularExpressions.Regex.Escape(endPoint.ToString());

    // Client-first: TcpLb dials once the client's first bytes arrive, so one byte goes first.
    private static async Task<Socket> AcceptAfterFirstBytesAsync(Socket client, TestBackend backend, CancellationToken cancellationToken)
    {
        await client.SendAsync(new byte[1], SocketFlags.None, cancellationToken);
        return await backend.AcceptAsync(cancellationToken);
    }
}
