using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Configuration;
using TcpLb.Forwarding;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>Every timer, driven by <see cref="FakeTimeProvider"/>: real sockets, fake clock.</summary>
public sealed class TimeoutTests
{
    private static readonly TimeoutOptions s_timeouts = new()
    {
        Connect = TimeSpan.FromSeconds(5),
        FirstBytes = TimeSpan.FromSeconds(3),
        ProxyHeader = TimeSpan.FromSeconds(10),
        ClientIdle = TimeSpan.FromMinutes(10),
        BackendIdle = TimeSpan.FromMinutes(20),
        HalfClosed = TimeSpan.FromSeconds(30),
    };

    [Theory, BothEngines]
    public async Task First_bytes_timeout_dials_a_silent_client_anyway_and_sends_the_header_alone(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { SendProxy = ProxySendMode.V1, Timeouts = s_timeouts }, time, engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Connections.SingleOrDefault()?.Phase == ConnectionPhase.WaitingForFirstBytes, "the connection waits for its first bytes", cancellationToken);
        time.Advance(s_timeouts.FirstBytes - TimeSpan.FromMilliseconds(1));
        Assert.False(backend.HasPendingConnection(TimeSpan.FromMilliseconds(200)), "dialled before the first-bytes timeout");

        time.Advance(TimeSpan.FromMilliseconds(1));
        using Socket server = await backend.AcceptAsync(cancellationToken);
        string expected = $"PROXY TCP4 127.0.0.1 127.0.0.1 {((IPEndPoint)client.LocalEndPoint!).Port} {lb.EndPoint.Port}\r\n";
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(await Net.ReadExactlyAsync(server, expected.Length, cancellationToken)));

        // The server speaks first; the client answers: both directions work.
        await server.SendAsync("220 ready\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
        Assert.Equal("220 ready\r\n"u8.ToArray(), await Net.ReadExactlyAsync(client, 11, cancellationToken));
    }

    [Theory, BothEngines]
    public async Task Connect_timeout_moves_on_to_the_next_backend(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var blackhole = new TestBackend(backlog: 0);
        List<Socket> fillers = await Net.FillBacklogAsync(blackhole.EndPoint, cancellationToken);
        using var healthy = new TestBackend();
        // Smooth weighted round-robin gives its first turn to the heaviest backend: the black hole.
        ListenerOptions options = TcpLbUnderTest.Options() with
        {
            Backends = [new BackendOptions { Address = blackhole.EndPoint, Weight = 256 }, new BackendOptions { Address = healthy.EndPoint }],
            Balance = "round-robin",
            Timeouts = s_timeouts,
        };
        await using var lb = await TcpLbUnderTest.StartAsync(options, time, engine: engine);
        try
        {
            using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
            await client.SendAsync("ping"u8.ToArray(), SocketFlags.None, cancellationToken);
            Assert.False(healthy.HasPendingConnection(TimeSpan.FromMilliseconds(300)), "the first backend was skipped without waiting for its connect timeout");

            // The black hole's connect timer starts when TcpLb dials it, which a loaded machine may delay past the wait above:
            // advance the clock until that timer has fired and the next backend is dialled (bounded), not once on a guess.
            for (int attempt = 0; attempt < 50 && !healthy.HasPendingConnection(TimeSpan.FromMilliseconds(100)); attempt++)
            {
                time.Advance(s_timeouts.Connect);
            }

            using Socket server = await healthy.AcceptAsync(cancellationToken);
            Assert.Equal("ping"u8.ToArray(), await Net.ReadExactlyAsync(server, 4, cancellationToken));
            Assert.Contains(lb.Logs.Lines, line => line.EventId == 100 && line.Message.Contains(blackhole.EndPoint.ToString(), StringComparison.Ordinal));
        }
        finally
        {
            fillers.ForEach(socket => socket.Dispose());
        }
    }

    [Theory, BothEngines]
    public async Task A_refused_backend_is_skipped_at_once_and_when_none_answers_the_client_is_closed_with_a_log_line(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var refusing1 = new RefusingPort();
        using var refusing2 = new RefusingPort();
        IPEndPoint closed1 = refusing1.EndPoint;
        IPEndPoint closed2 = refusing2.EndPoint;
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(closed1, closed2), engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("ping"u8.ToArray(), SocketFlags.None, cancellationToken);

        Assert.Equal("fin", await Net.ReadEndAsync(client, cancellationToken));
        Assert.Equal(2, lb.Logs.Lines.Count(line => line.EventId == 100 && line.Message.Contains("ConnectionRefused", StringComparison.Ordinal)));
        Assert.Contains(lb.Logs.Lines, line => line.EventId == 101);
    }

    [Theory, BothEngines]
    public async Task Client_idle_timeout_closes_a_connection_whose_client_went_quiet(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { Timeouts = s_timeouts }, time, engine: engine);
        (Socket client, Socket server) = await ConnectedPairAsync(lb, backend, cancellationToken);
        using (client)
        using (server)
        {
            // The backend keeps talking, the client does not: only the client's timer runs out.
            time.Advance(s_timeouts.ClientIdle - TimeSpan.FromSeconds(1));
            await server.SendAsync("tick"u8.ToArray(), SocketFlags.None, cancellationToken);
            Assert.Equal("tick"u8.ToArray(), await Net.ReadExactlyAsync(client, 4, cancellationToken));

            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal("reset", await Net.ReadEndAsync(client, cancellationToken));
            Assert.Equal("reset", await Net.ReadEndAsync(server, cancellationToken));
            await AssertClosedWithAsync(lb, CloseReason.ClientIdleTimeout, cancellationToken);
        }
    }

    [Theory, BothEngines]
    public async Task Backend_idle_timeout_closes_a_connection_whose_backend_went_quiet(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { Timeouts = s_timeouts with { ClientIdle = TimeSpan.FromHours(1) } }, time, engine: engine);
        (Socket client, Socket server) = await ConnectedPairAsync(lb, backend, cancellationToken);
        using (client)
        using (server)
        {
            time.Advance(s_timeouts.BackendIdle);
            Assert.Equal("reset", await Net.ReadEndAsync(client, cancellationToken));
            await AssertClosedWithAsync(lb, CloseReason.BackendIdleTimeout, cancellationToken);
        }
    }

    [Theory, BothEngines]
    public async Task Half_closed_timeout_closes_when_the_other_side_stays_silent_after_a_FIN(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { Timeouts = s_timeouts }, time, engine: engine);
        (Socket client, Socket server) = await ConnectedPairAsync(lb, backend, cancellationToken);
        using (client)
        using (server)
        {
            client.Shutdown(SocketShutdown.Send);
            Assert.Empty(await Net.ReadToEndAsync(server, cancellationToken)); // the FIN was passed on
            await TcpLbUnderTest.WaitUntilAsync(() => lb.Connections.SingleOrDefault()?.ClientDirectionEnded == true, "the client direction has ended", cancellationToken);

            time.Advance(s_timeouts.HalfClosed - TimeSpan.FromSeconds(1));
            await server.SendAsync("late"u8.ToArray(), SocketFlags.None, cancellationToken);
            Assert.Equal("late"u8.ToArray(), await Net.ReadExactlyAsync(client, 4, cancellationToken));

            time.Advance(s_timeouts.HalfClosed);
            Assert.Equal("reset", await Net.ReadEndAsync(client, cancellationToken));
            await AssertClosedWithAsync(lb, CloseReason.HalfClosedTimeout, cancellationToken);
        }
    }

    [Theory, BothEngines]
    public async Task Proxy_header_timeout_closes_a_trusted_upstream_that_sends_no_header(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var backend = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with { AcceptProxyFrom = [IPNetwork.Parse("127.0.0.0/8")], Timeouts = s_timeouts };
        await using var lb = await TcpLbUnderTest.StartAsync(options, time, engine: engine);

        using Socket upstream = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await upstream.SendAsync("PROXY TCP4 "u8.ToArray(), SocketFlags.None, cancellationToken); // a prefix, then silence
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Connections.SingleOrDefault()?.BytesFromClient == 11, "the prefix is read", cancellationToken);
        time.Advance(s_timeouts.ProxyHeader);

        Assert.Equal("reset", await Net.ReadEndAsync(upstream, cancellationToken));
        Assert.Contains(lb.Logs.Lines, line => line.EventId == 103);
        Assert.False(backend.HasPendingConnection(TimeSpan.Zero));
    }

    internal static async Task<(Socket Client, Socket Server)> ConnectedPairAsync(TcpLbUnderTest lb, TestBackend backend, CancellationToken cancellationToken)
    {
        Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("hello"u8.ToArray(), SocketFlags.None, cancellationToken);
        Socket server = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("hello"u8.ToArray(), await Net.ReadExactlyAsync(server, 5, cancellationToken));
        return (client, server);
    }

    private static async Task AssertClosedWithAsync(TcpLbUnderTest lb, CloseReason reason, CancellationToken cancellationToken)
    {
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is gone", cancellationToken);
        Assert.Contains(lb.Logs.Lines, line => line.EventId == 110 && line.Message.EndsWith($"reason={CloseReasonText.Name(reason)}", StringComparison.Ordinal));
    }
}
