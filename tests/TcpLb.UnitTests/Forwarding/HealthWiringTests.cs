using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using TcpLb.Testing;
using TcpLb.UnitTests.Support;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>Health as the server wires it: active checks take a dead backend out of the choice, passive failures eject it.</summary>
public sealed class HealthWiringTests
{
    [Theory, BothEngines]
    public async Task A_backend_that_fails_its_checks_is_no_longer_tried(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var refusing = new RefusingPort();
        IPEndPoint dead = refusing.EndPoint;
        using var alive = new TestBackend();
        var check = new HealthCheckOptions { Kind = HealthCheckKind.Tcp, Interval = TimeSpan.FromSeconds(2), Fall = 2, Jitter = 0 };
        ListenerOptions options = TcpLbUnderTest.Options(dead, alive.EndPoint) with { Balance = "round-robin", HealthCheck = check, PassiveHealth = new() { ConsecutiveFailures = 0 } };
        using var metrics = new TcpLbMetrics();
        using var transitions = new CounterRecorder(metrics, "tcplb.backend.health.transitions");
        await using var lb = await TcpLbUnderTest.StartAsync(options, time, metrics, engine: engine);

        var deadState = lb.Server.Pools[0].Current.Primaries.Backends.Single(b => b.Address.Equals(dead));
        // Each poll moves the fake clock one interval on; the probes themselves run on real sockets.
        await TcpLbUnderTest.WaitUntilAsync(
            () =>
            {
                time.Advance(check.Interval);
                return !deadState.IsCheckedUp;
            },
            "the dead backend fails its checks",
            cancellationToken);
        int failedConnectsBefore = lb.Logs.Lines.Count(line => line.EventId == 100);
        for (int i = 0; i < 4; i++)
        {
            using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
            await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
            Assert.Equal("x"u8.ToArray(), await ReadFromNextClientAsync(alive, cancellationToken));
        }

        Assert.Equal(failedConnectsBefore, lb.Logs.Lines.Count(line => line.EventId == 100)); // the dead one was not even tried
        Assert.Equal([$"{dead} down"], transitions.Recorded); // counted once, in metrics too
    }

    // The live backend also gets the health checks' connections, which close without a byte: skip those.
    private static async Task<byte[]> ReadFromNextClientAsync(TestBackend backend, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            using Socket server = await backend.AcceptAsync(cancellationToken);
            byte[] received = await Net.ReadToEndOrAsync(server, 1, cancellationToken);
            if (received.Length > 0)
            {
                return received;
            }
        }

        throw new InvalidOperationException("no client connection among 20 accepted");
    }

    [Theory, BothEngines]
    public async Task Consecutive_connect_failures_eject_a_backend_until_its_ejection_runs_out(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var refusing = new RefusingPort();
        IPEndPoint dead = refusing.EndPoint;
        using var alive = new TestBackend();
        var passive = new PassiveHealthOptions { ConsecutiveFailures = 2, BaseEjection = TimeSpan.FromSeconds(10) };
        ListenerOptions options = TcpLbUnderTest.Options(dead, alive.EndPoint) with { Balance = "round-robin", PassiveHealth = passive };
        using var metrics = new TcpLbMetrics();
        using var ejections = new CounterRecorder(metrics, "tcplb.backend.ejections");
        await using var lb = await TcpLbUnderTest.StartAsync(options, time, metrics, engine: engine);
        var deadState = lb.Server.Pools[0].Current.Primaries.Backends.Single(b => b.Address.Equals(dead));

        for (int i = 0; i < 4 && !deadState.IsEjected; i++)
        {
            using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
            await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
            using Socket server = await alive.AcceptAsync(cancellationToken); // the retry reached the live one
            await Net.ReadExactlyAsync(server, 1, cancellationToken); // read, so closing it is a FIN, not a reset counted against it
        }

        Assert.True(deadState.IsEjected);
        Assert.Equal([$"{dead} "], ejections.Recorded);
        time.Advance(passive.BaseEjection);
        Assert.False(deadState.IsEjected);
    }

    /// <summary>
    /// A router that resets a connection whose client had already finished (FIN passed on) is dropping a request the client
    /// gave up on, as nginx does with what it had not read: that is no failure of the router. A reset while the client
    /// still talks is one.
    /// </summary>
    [Theory, BothEngines]
    public async Task A_backend_reset_after_the_clients_FIN_does_not_count_against_it_one_before_does(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        var passive = new PassiveHealthOptions { ConsecutiveFailures = 1, BaseEjection = TimeSpan.FromMinutes(1) };
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { PassiveHealth = passive }, engine: engine);
        var state = lb.Server.Pools[0].Current.Primaries.Backends.Single();

        using (Socket gaveUp = await Net.ConnectAsync(lb.EndPoint, cancellationToken))
        {
            await gaveUp.SendAsync("GET / HTTP/1.1\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
            gaveUp.Shutdown(SocketShutdown.Send);
            Socket server = await backend.AcceptAsync(cancellationToken);
            Assert.Equal(16, (await Net.ReadToEndAsync(server, cancellationToken)).Length); // the FIN came after the bytes
            Net.Reset(server);
            Assert.Equal("reset", await Net.ReadEndAsync(gaveUp, cancellationToken));
        }

        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the first connection is closed", cancellationToken);
        Assert.False(state.IsEjected, "a reset after the client's FIN was counted against the backend");

        using (Socket talking = await Net.ConnectAsync(lb.EndPoint, cancellationToken))
        {
            await talking.SendAsync("GET / HTTP/1.1\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
            Socket server = await backend.AcceptAsync(cancellationToken);
            await Net.ReadExactlyAsync(server, 16, cancellationToken);
            Net.Reset(server);
            Assert.Equal("reset", await Net.ReadEndAsync(talking, cancellationToken));
        }

        await TcpLbUnderTest.WaitUntilAsync(() => state.IsEjected, "a reset while the client talks ejects the backend", cancellationToken);
    }
}
