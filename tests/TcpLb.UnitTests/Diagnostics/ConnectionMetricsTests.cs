using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using TcpLb.Forwarding;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Diagnostics;

/// <summary>
/// What the forwarding path records on the TcpLb meter, read by a <see cref="System.Diagnostics.Metrics.MeterListener"/>
/// on this test's own metrics instance: counts at accept and close, bytes each way, connect latency, PROXY
/// headers, retries, and the gauges of backends and queues.
/// </summary>
public sealed class ConnectionMetricsTests
{
    [Theory, BothEngines]
    public async Task A_connection_is_counted_at_accept_and_at_close_with_its_bytes_each_way_and_reason(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        using var metrics = new TcpLbMetrics();
        using var recorded = new MeasurementRecorder(metrics);
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { SendProxy = ProxySendMode.V2 }, metrics: metrics, engine: engine);
        string listener = $"tcplb.listener={lb.Server.Pools[0].Name}";

        using (Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken))
        {
            await client.SendAsync(new byte[700], SocketFlags.None, cancellationToken);
            client.Shutdown(SocketShutdown.Send);
            using (Socket server = await backend.AcceptAsync(cancellationToken))
            {
                byte[] received = await Net.ReadToEndAsync(server, cancellationToken);
                Assert.Equal(700, received.Length - 28); // a v2 header for TCP4 is 16 + 12 bytes
                await server.SendAsync(new byte[1200], SocketFlags.None, cancellationToken);
                server.Shutdown(SocketShutdown.Send);
            }

            Assert.Equal(1200, (await Net.ReadToEndAsync(client, cancellationToken)).Length);
        }

        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is closed", cancellationToken);
        Assert.Equal(1, recorded.Sum("tcplb.connection.accepted", listener));
        Assert.Equal(0, recorded.Sum("tcplb.connection.active", listener)); // +1 at accept, -1 at close
        Assert.Equal(1, recorded.Sum("tcplb.connection.closed", listener, "tcplb.close.reason=completed"));
        Assert.Equal(1, recorded.Count("tcplb.connection.duration", listener, "tcplb.close.reason=completed"));
        Assert.Equal(700, recorded.Sum("tcplb.io", listener, $"tcplb.backend={backend.EndPoint}", "tcplb.direction=client_to_backend"));
        Assert.Equal(1200, recorded.Sum("tcplb.io", listener, $"tcplb.backend={backend.EndPoint}", "tcplb.direction=backend_to_client"));
        Assert.Equal(1, recorded.Count("tcplb.backend.connect.duration", $"tcplb.backend={backend.EndPoint}"));
        Assert.Equal(1, recorded.Sum("tcplb.proxy.headers.sent", listener, "tcplb.proxy.version=v2"));
        Assert.Equal(0, recorded.Sum("tcplb.backend.connect.retries"));
    }

    [Theory, BothEngines]
    public async Task A_backend_reset_is_counted_with_its_reason(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        using var metrics = new TcpLbMetrics();
        using var recorded = new MeasurementRecorder(metrics);
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), metrics: metrics, engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
        Socket server = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("x"u8.ToArray(), await Net.ReadExactlyAsync(server, 1, cancellationToken)); // forwarding, then the backend resets
        Net.Reset(server);
        Assert.Equal("reset", await Net.ReadEndAsync(client, cancellationToken));

        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is closed", cancellationToken);
        Assert.Equal(1, recorded.Sum("tcplb.connection.closed", "tcplb.close.reason=backend_reset"));
        Assert.Equal(1, recorded.Sum("tcplb.connection.closed"));
    }

    [Theory, BothEngines]
    public async Task PROXY_headers_from_a_trusted_upstream_are_counted_accepted_or_rejected_by_reason(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        using var metrics = new TcpLbMetrics();
        using var recorded = new MeasurementRecorder(metrics);
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with { AcceptProxyFrom = [IPNetwork.Parse("127.0.0.0/8")] };
        await using var lb = await TcpLbUnderTest.StartAsync(options, metrics: metrics, engine: engine);

        await SendAndWaitForCloseAsync(lb, "PROXY TCP4 203.0.113.7 10.0.0.1 5555 80\r\nhello", cancellationToken, backend);
        await SendAndWaitForCloseAsync(lb, "GET / HTTP/1.1\r\n\r\n", cancellationToken);
        await SendAndWaitForCloseAsync(lb, "PROXY TCP4 203.0.113.7 10.0.0.1 99999 80\r\n", cancellationToken);

        Assert.Equal(1, recorded.Sum("tcplb.proxy.headers.accepted"));
        Assert.Equal(1, recorded.Sum("tcplb.proxy.headers.rejected", "tcplb.proxy.reject_reason=not_proxy"));
        Assert.Equal(2, recorded.Sum("tcplb.proxy.headers.rejected"));
        Assert.Equal(2, recorded.Sum("tcplb.connection.closed", "tcplb.close.reason=invalid_proxy_header"));
        Assert.DoesNotContain("203.0.113.7", recorded.AllTagValues.Select(value => value?.Split(':')[0])); // the client is never a tag
    }

    [Theory, BothEngines]
    public async Task A_connect_retried_on_another_backend_is_counted_once_per_failed_connect(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var refusing = new RefusingPort();
        IPEndPoint dead = refusing.EndPoint;
        using var alive = new TestBackend();
        using var metrics = new TcpLbMetrics();
        using var recorded = new MeasurementRecorder(metrics);
        ListenerOptions options = TcpLbUnderTest.Options(dead, alive.EndPoint) with { Balance = "round-robin", PassiveHealth = new() { ConsecutiveFailures = 0 } };
        var time = new FakeTimeProvider(); // moved past the refusal log's interval after each connection, so every failed connect logs its line
        await using var lb = await TcpLbUnderTest.StartAsync(options, time, metrics, engine: engine);

        // Round-robin alternates: within two connections one is tried on the dead backend first, then retried.
        for (int i = 0; i < 2; i++)
        {
            using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
            await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
            using Socket server = await alive.AcceptAsync(cancellationToken);
            Assert.Equal("x"u8.ToArray(), await Net.ReadExactlyAsync(server, 1, cancellationToken));
            time.Advance(RefusalLog.DefaultInterval);
        }

        int failedConnects = lb.Logs.Lines.Count(line => line.EventId == 100);
        Assert.True(failedConnects >= 1, "the dead backend was tried");
        Assert.Equal(failedConnects, recorded.Sum("tcplb.backend.connect.retries", $"tcplb.pool={lb.Server.Pools[0].Name}"));
        Assert.Equal(0, recorded.Count("tcplb.backend.connect.duration", $"tcplb.backend={dead}")); // only successful connects are timed
        Assert.Equal(2, recorded.Count("tcplb.backend.connect.duration", $"tcplb.backend={alive.EndPoint}"));
    }

    [Theory, BothEngines]
    public async Task The_gauges_show_each_backend_state_its_open_connections_and_the_queue(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        using var metrics = new TcpLbMetrics();
        using var recorded = new MeasurementRecorder(metrics);
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), metrics: metrics, engine: engine);
        string pool = $"tcplb.pool={lb.Server.Pools[0].Name}";
        string backendTag = $"tcplb.backend={backend.EndPoint}";

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.Pools[0].All[0].ActiveConnections == 1, "the connection reached the backend", cancellationToken);
        recorded.ObserveGauges();

        Assert.Equal(1, recorded.Sum("tcplb.backend.state", pool, backendTag, "tcplb.backend.state=up"));
        Assert.Equal(0, recorded.Sum("tcplb.backend.state", pool, backendTag, "tcplb.backend.state=down"));
        Assert.Equal(5, recorded.Count("tcplb.backend.state", pool, backendTag)); // one series per state: up, down, ejected, draining, unresolved
        Assert.Equal(1, recorded.Sum("tcplb.backend.active_connections", pool, backendTag));
        Assert.Equal(1, recorded.Count("tcplb.pool.queue.length", pool));
        Assert.Equal(0, recorded.Sum("tcplb.pool.queue.length", pool));
        Assert.Equal(1, recorded.Sum("tcplb.connection.active"));
    }

    // Sends bytes on a fresh connection; with a backend, accepts there and reads what arrives, then waits until TcpLb closed it.
    private static async Task SendAndWaitForCloseAsync(TcpLbUnderTest lb, string text, CancellationToken cancellationToken, TestBackend? backend = null)
    {
        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, cancellationToken);
        if (backend is not null)
        {
            client.Shutdown(SocketShutdown.Send);
            using Socket server = await backend.AcceptAsync(cancellationToken);
            Assert.Equal("hello"u8.ToArray(), await Net.ReadToEndAsync(server, cancellationToken));
        }

        await Net.ReadEndAsync(client, cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is closed", cancellationToken);
    }
}
