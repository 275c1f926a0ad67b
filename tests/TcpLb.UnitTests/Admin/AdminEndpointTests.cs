using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Admin;
using TcpLb.Configuration;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Admin;

/// <summary>
/// The admin endpoint in front of a server running in the test process, asked over loopback HTTP:
/// liveness, readiness (listening, and a healthy backend in every pool) and the <c>/status</c> JSON.
/// </summary>
public sealed class AdminEndpointTests
{
    private static readonly IPEndPoint s_anyLoopbackPort = new(IPAddress.Loopback, 0);

    [Theory, BothEngines]
    public async Task Healthz_answers_200_while_the_process_runs(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);
        await using AdminEndpoint admin = await AdminEndpoint.StartAsync(s_anyLoopbackPort, AdminAccessTests.Open, lb.Server, NullLoggerFactory.Instance, deadline.Token);
        using var http = new HttpClient();

        using HttpResponseMessage response = await http.GetAsync(new Uri(new Uri(admin.Url), "/healthz"), deadline.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync(deadline.Token));
    }

    [Theory, BothEngines]
    public async Task Ready_is_200_with_a_healthy_backend_and_503_naming_the_pool_once_every_backend_is_down(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var refusing = new RefusingPort();
        IPEndPoint dead = refusing.EndPoint;
        var check = new HealthCheckOptions { Kind = HealthCheckKind.Tcp, Interval = TimeSpan.FromSeconds(2), Fall = 2, Jitter = 0 };
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(dead) with { HealthCheck = check }, time, engine: engine);
        await using AdminEndpoint admin = await AdminEndpoint.StartAsync(s_anyLoopbackPort, AdminAccessTests.Open, lb.Server, NullLoggerFactory.Instance, cancellationToken);
        using var http = new HttpClient();
        var ready = new Uri(new Uri(admin.Url), "/ready");

        // Until a check says otherwise a backend counts as up: ready.
        using (HttpResponseMessage before = await http.GetAsync(ready, cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var deadState = lb.Server.Pools[0].Current.Primaries.Backends.Single();
        await TcpLbUnderTest.WaitUntilAsync(
            () =>
            {
                time.Advance(check.Interval); // the probes run on real sockets; the fake clock only schedules them
                return !deadState.IsCheckedUp;
            },
            "the only backend fails its checks",
            cancellationToken);

        using HttpResponseMessage after = await http.GetAsync(ready, cancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        Assert.Equal($"not ready: pool {lb.Server.Pools[0].Name} has no healthy backend\n", await after.Content.ReadAsStringAsync(cancellationToken));
    }

    [Theory, BothEngines]
    public async Task Ready_is_503_once_the_server_stops_accepting(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);
        await using AdminEndpoint admin = await AdminEndpoint.StartAsync(s_anyLoopbackPort, AdminAccessTests.Open, lb.Server, NullLoggerFactory.Instance, deadline.Token);
        using var http = new HttpClient();
        var ready = new Uri(new Uri(admin.Url), "/ready");
        using (HttpResponseMessage before = await http.GetAsync(ready, deadline.Token))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await lb.Server.StopAsync(TimeSpan.Zero);

        using HttpResponseMessage after = await http.GetAsync(ready, deadline.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        Assert.StartsWith("not ready: not accepting connections", await after.Content.ReadAsStringAsync(deadline.Token), StringComparison.Ordinal);
    }

    [Theory, BothEngines]
    public async Task Status_lists_each_listener_its_pool_and_backends_with_state_and_open_connections(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        using var refusing = new RefusingPort();
        var spare = new BackendOptions { Address = refusing.EndPoint, Weight = 3, Backup = true };
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with { Balance = "round-robin" };
        await using var lb = await TcpLbUnderTest.StartAsync(options with { Backends = [.. options.Backends, spare] }, engine: engine);
        await using AdminEndpoint admin = await AdminEndpoint.StartAsync(s_anyLoopbackPort, AdminAccessTests.Open, lb.Server, NullLoggerFactory.Instance, cancellationToken);
        using var http = new HttpClient();
        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.Pools[0].All[0].ActiveConnections == 1, "the connection reached the backend", cancellationToken);

        using HttpResponseMessage response = await http.GetAsync(new Uri(new Uri(admin.Url), "/status"), cancellationToken);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        using JsonDocument status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));

        JsonElement root = status.RootElement;
        Assert.True(root.GetProperty("ready").GetBoolean());
        Assert.Equal(1, root.GetProperty("activeConnections").GetInt32());
        JsonElement listener = Assert.Single(root.GetProperty("listeners").EnumerateArray());
        Assert.Equal([lb.EndPoint.ToString()], listener.GetProperty("endPoints").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, listener.GetProperty("activeConnections").GetInt32());
        JsonElement pool = listener.GetProperty("pool");
        Assert.Equal("round-robin", pool.GetProperty("policy").GetString());
        Assert.Equal(0, pool.GetProperty("queueLength").GetInt32());
        JsonElement[] backends = [.. pool.GetProperty("backends").EnumerateArray()];
        Assert.Equal(2, backends.Length);
        Assert.Equal(backend.EndPoint.ToString(), backends[0].GetProperty("name").GetString());
        Assert.Equal("up", backends[0].GetProperty("state").GetString());
        Assert.Equal(1, backends[0].GetProperty("activeConnections").GetInt32());
        Assert.False(backends[0].GetProperty("backup").GetBoolean());
        Assert.Equal(spare.Address.ToString(), backends[1].GetProperty("name").GetString());
        Assert.True(backends[1].GetProperty("backup").GetBoolean());
        Assert.Equal(3, backends[1].GetProperty("weight").GetInt32());
        Assert.Equal(0, backends[1].GetProperty("activeConnections").GetInt32());
    }

    [Theory, BothEngines]
    public async Task A_taken_admin_address_fails_the_start_with_a_message_naming_it(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var taken = new TestBackend(); // something already listens there
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint), engine: engine);

        var failure = await Assert.ThrowsAsync<AdminEndpointException>(() => AdminEndpoint.StartAsync(taken.EndPoint, AdminAccessTests.Open, lb.Server, NullLoggerFactory.Instance, deadline.Token));

        Assert.StartsWith($"cannot listen on admin address {taken.EndPoint}: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("admin.listen in the config file or --admin-listen ADDR:PORT", failure.Message, StringComparison.Ordinal); // the setting that moves it
    }
}
