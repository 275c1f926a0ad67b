using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Configuration;
using TcpLb.Forwarding;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>The pool as the forwarding path uses it: retries, backups, connection limits and the queue, over real sockets.</summary>
public sealed class PoolForwardingTests
{
    [Theory, BothEngines]
    public async Task Retries_are_bounded_and_never_try_a_backend_twice(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        RefusingPort[] refusing = [.. Enumerable.Range(0, 5).Select(_ => new RefusingPort())];
        using var disposeRefusing = new CompositeDisposable(refusing);
        IPEndPoint[] refused = [.. refusing.Select(r => r.EndPoint)];
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(refused) with { Retries = 2, Balance = "round-robin" }, engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);

        Assert.Equal("fin", await Net.ReadEndAsync(client, cancellationToken));
        string[] tried = [.. lb.Logs.Lines.Where(line => line.EventId == 100).Select(line => line.Message)];
        Assert.Equal(3, tried.Length); // the first try and 2 retries
        Assert.Equal(3, refused.Count(backend => tried.Any(message => message.Contains($"backend {backend} ", StringComparison.Ordinal))));
    }

    [Theory, BothEngines]
    public async Task Backups_take_connections_only_while_no_primary_is_healthy(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var primary = new TestBackend();
        using var backup = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(primary.EndPoint) with
        {
            Backends = [new BackendOptions { Address = primary.EndPoint }, new BackendOptions { Address = backup.EndPoint, Backup = true }],
        };
        await using var lb = await TcpLbUnderTest.StartAsync(options, engine: engine);

        await AssertNextConnectionReachesAsync(lb, primary, cancellationToken);
        lb.Server.Pools[0].Current.Primaries.Backends[0].SetCheckedUp(false);
        await AssertNextConnectionReachesAsync(lb, backup, cancellationToken);
        lb.Server.Pools[0].Current.Primaries.Backends[0].SetCheckedUp(true);
        await AssertNextConnectionReachesAsync(lb, primary, cancellationToken);
    }

    [Theory, BothEngines]
    public async Task Past_a_backends_max_conn_connections_queue_and_proceed_when_a_slot_frees(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with
        {
            Backends = [new BackendOptions { Address = backend.EndPoint, MaxConnections = 1 }],
        };
        await using var lb = await TcpLbUnderTest.StartAsync(options, engine: engine);

        using Socket first = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await first.SendAsync("1"u8.ToArray(), SocketFlags.None, cancellationToken);
        Socket firstServer = await backend.AcceptAsync(cancellationToken);

        using Socket second = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await second.SendAsync("2"u8.ToArray(), SocketFlags.None, cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(() => QueueLength(lb) == 1, "the second connection waits in the queue", cancellationToken);
        Assert.False(backend.HasPendingConnection(TimeSpan.FromMilliseconds(200)));

        first.Dispose(); // the first connection ends: its slot goes to the second
        Assert.Equal("fin", await Net.ReadEndAsync(firstServer, cancellationToken));
        firstServer.Dispose(); // and the backend closes its side: the connection is over
        using Socket secondServer = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("2"u8.ToArray(), await Net.ReadExactlyAsync(secondServer, 1, cancellationToken));
    }

    [Theory, BothEngines]
    public async Task The_queue_gives_up_after_the_queue_timeout_and_refuses_when_full(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var backend = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with
        {
            Backends = [new BackendOptions { Address = backend.EndPoint, MaxConnections = 1 }],
            MaxQueue = 1,
            QueueTimeout = TimeSpan.FromSeconds(5),
        };
        await using var lb = await TcpLbUnderTest.StartAsync(options, time, engine: engine);

        using Socket holder = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await holder.SendAsync("1"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket held = await backend.AcceptAsync(cancellationToken);

        using Socket waiting = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await waiting.SendAsync("2"u8.ToArray(), SocketFlags.None, cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(() => QueueLength(lb) == 1, "one connection waits", cancellationToken);

        using Socket refused = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await refused.SendAsync("3"u8.ToArray(), SocketFlags.None, cancellationToken);
        Assert.Equal("fin", await Net.ReadEndAsync(refused, cancellationToken)); // the queue is full
        Assert.Contains(lb.Logs.Lines, line => line.EventId == 101 && line.Message.Contains(nameof(CloseReason.QueueFull), StringComparison.Ordinal));

        time.Advance(options.QueueTimeout);
        Assert.Equal("fin", await Net.ReadEndAsync(waiting, cancellationToken));
        Assert.Contains(lb.Logs.Lines, line => line.EventId == 101 && line.Message.Contains(nameof(CloseReason.QueueTimeout), StringComparison.Ordinal));
    }

    [Theory, BothEngines]
    public async Task At_the_listener_limit_new_clients_wait_in_the_backlog_until_a_connection_ends(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { MaxConnections = 1 }, engine: engine);

        Socket first = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await first.SendAsync("1"u8.ToArray(), SocketFlags.None, cancellationToken);
        Socket firstServer = await backend.AcceptAsync(cancellationToken);

        using Socket second = await Net.ConnectAsync(lb.EndPoint, cancellationToken); // completes in the kernel backlog
        await second.SendAsync("2"u8.ToArray(), SocketFlags.None, cancellationToken);
        Assert.False(backend.HasPendingConnection(TimeSpan.FromMilliseconds(300)), "the second client was served past the listener limit");
        Assert.Equal(1, lb.Server.ActiveConnections);

        first.Dispose(); // both sides close: the first connection is over and its slot frees
        Assert.Equal("fin", await Net.ReadEndAsync(firstServer, cancellationToken));
        firstServer.Dispose();
        using Socket secondServer = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("2"u8.ToArray(), await Net.ReadExactlyAsync(secondServer, 1, cancellationToken));
    }

    private static int QueueLength(TcpLbUnderTest lb) => lb.Server.QueueLengths.Sum();

    private static async Task AssertNextConnectionReachesAsync(TcpLbUnderTest lb, TestBackend expected, CancellationToken cancellationToken)
    {
        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket server = await expected.AcceptAsync(cancellationToken);
        Assert.Equal("x"u8.ToArray(), await Net.ReadExactlyAsync(server, 1, cancellationToken));
    }
}
