using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;
using TcpLb.Configuration.File;
using TcpLb.Hosting;
using TcpLb.Model;
using TcpLb.Routing;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Reload;

/// <summary>
/// Reloads of routes and named pools: they swap together, under load, without a failed connection; a pool that keeps its
/// name keeps its backends' state, one removed drains; the reload line says which pools and routes changed.
/// </summary>
public sealed class RouteReloadTests : IDisposable
{
    private const int Reloads = 10;
    private const int Clients = 4;
    private readonly string _directory = Directory.CreateTempSubdirectory("tcplb-routes-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory, BothEngines]
    public async Task Routes_and_pools_changed_under_load_fail_no_connection_and_the_last_ones_rule(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromMinutes(2));
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        await using var b = new EchoBackend();
        await using var c = new EchoBackend();
        await using var lb = await TcpLbUnderTest.StartAllAsync([Listener(0)], engine: engine, pools: Pools(0, a, b, c));
        IPEndPoint address = lb.Server.EndPoints[0];

        // Opened under generation 0 (one.example.com -> p = a) and used after every reload: a reload never cuts it.
        using Socket longLived = await OpenAsync(address, "one.example.com", cancellationToken);
        var failures = new ConcurrentQueue<string>();
        int conversations = 0;
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task[] load = [.. Enumerable.Range(0, Clients).Select(client => Task.Run(() => LoadAsync(client), CancellationToken.None))];
        var random = new Random(13);
        for (int generation = 1; generation <= Reloads; generation++)
        {
            int before = Volatile.Read(ref conversations);
            await lb.Server.ReloadAsync([Listener(generation)], Pools(generation, a, b, c), cancellationToken);
            await EchoClient.RoundAsync(longLived, 2048, random, cancellationToken);
            await TcpLbUnderTest.WaitUntilAsync(() => Volatile.Read(ref conversations) >= before + Clients, "load to flow after a reload", cancellationToken);
        }

        await stopLoad.CancelAsync();
        await Task.WhenAll(load);
        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.Equal(address, lb.Server.EndPoints[0]);

        // Generation 10 is generation 0's: one.example.com goes to p = a, anything else to q = b.
        int[] acceptedBefore = [a.Accepted, b.Accepted, c.Accepted];
        for (int i = 0; i < 5; i++)
        {
            using Socket one = await OpenAsync(address, "one.example.com", cancellationToken);
            using Socket other = await OpenAsync(address, "two.example.com", cancellationToken);
        }

        Assert.Equal([acceptedBefore[0] + 5, acceptedBefore[1] + 5, acceptedBefore[2]], [a.Accepted, b.Accepted, c.Accepted]);

        async Task LoadAsync(int client)
        {
            var own = new Random(client);
            while (!stopLoad.IsCancellationRequested)
            {
                try
                {
                    using Socket socket = await OpenAsync(address, own.Next(2) == 0 ? "one.example.com" : "two.example.com", cancellationToken);
                    await EchoClient.RoundAsync(socket, own.Next(1, 16 * 1024), own, cancellationToken);
                    Interlocked.Increment(ref conversations);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    failures.Enqueue($"{exception.GetType().Name}: {exception.Message}");
                }
            }
        }
    }

    [Theory, BothEngines]
    public async Task A_pool_that_keeps_its_name_keeps_its_backends_and_a_removed_pool_drains(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        await using var b = new EchoBackend();
        await using var c = new EchoBackend();
        await using var lb = await TcpLbUnderTest.StartAllAsync([Listener(0)], engine: engine, pools: Pools(0, a, b, c));
        using Socket toA = await OpenAsync(lb.Server.EndPoints[0], "one.example.com", cancellationToken);
        BackendState stateOfB = lb.Server.Pools.Single(pool => pool.Name == "q").Current.Primaries.Backends.Single();
        stateOfB.SetCheckedUp(false); // as an active check would

        // q keeps its name (and b, now with c); p keeps its name with c alone (a drains, its connection goes on); r is new.
        await lb.Server.ReloadAsync([Listener(1)], Pools(1, a, b, c), cancellationToken);

        PoolSnapshot q = lb.Server.Pools.Single(pool => pool.Name == "q").Current;
        Assert.Same(stateOfB, q.Primaries.Backends.Single(backend => backend.Address.Equals(b.EndPoint)));
        Assert.False(stateOfB.IsCheckedUp);
        BackendState draining = Assert.Single(lb.Server.Pools.Single(pool => pool.Name == "p").Current.Draining);
        Assert.Equal((a.EndPoint, 1), (draining.Address, draining.ActiveConnections));
        await EchoClient.RoundAsync(toA, 100, new Random(1), cancellationToken);

        // Back: r is removed while its pool has no connection; p and q stay the same objects.
        TcpLb.Balancing.Pool p = lb.Server.Pools.Single(pool => pool.Name == "p");
        await lb.Server.ReloadAsync([Listener(0)], Pools(0, a, b, c), cancellationToken);
        Assert.Same(p, lb.Server.Pools.Single(pool => pool.Name == "p"));
        Assert.DoesNotContain(lb.Server.Pools, pool => pool.Name == "r");
    }

    [Fact]
    public async Task The_reload_line_says_which_pools_and_routes_changed()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        await using var b = new EchoBackend();
        string path = Path.Combine(_directory, "tcplb.yaml");
        System.IO.File.WriteAllText(path, Yaml(a.EndPoint, b.EndPoint, "one.example.com", "round-robin"));
        TcpLbOptions options = ConfigFile.Load(path, new System.Collections.Hashtable(), RoutingCheck.Check).Options!;
        await using var lb = await TcpLbUnderTest.StartAllAsync(options.Listeners, pools: options.Pools);
        var reloader = new ConfigReloader(path, options, lb.Server, TimeProvider.System, lb.Loggers.CreateLogger<ConfigReloader>());
        System.IO.File.WriteAllText(path, Yaml(a.EndPoint, b.EndPoint, "two.example.com", "random") + "  r: {backends: [\"" + a.EndPoint + "\"]}\n");

        Assert.True(await reloader.ReloadAsync("test", cancellationToken));

        Assert.Equal(
            "Reload #1 (test) applied: listener 127.0.0.1:0: routes [{host: one.example.com} -> p] -> [{host: two.example.com} -> p]; +pool r; pool q balance round-robin -> random",
            Assert.Single(lb.Logs.Lines, line => line.EventId == 500).Message);
        using Socket routed = await OpenAsync(lb.Server.EndPoints[0], "two.example.com", cancellationToken);
        Assert.Equal((1, 0), (a.Accepted, b.Accepted));
    }

    // Generation 0 (and every even one): one.example.com -> p = [a], the rest -> q = [b]. Odd: one.example.com -> q =
    // [b, c], two.example.com -> r = [a], the rest -> p = [c].
    private static ListenerOptions Listener(int generation) => new()
    {
        Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
        Backends = [],
        Routes = generation % 2 == 0 ? [Host("one.example.com", "p")] : [Host("one.example.com", "q"), Host("two.example.com", "r")],
        DefaultPool = generation % 2 == 0 ? "q" : "p",
    };

    private static IReadOnlyList<PoolOptions> Pools(int generation, EchoBackend a, EchoBackend b, EchoBackend c) => generation % 2 == 0
        ? [TcpLbUnderTest.Pool("p", a.EndPoint), TcpLbUnderTest.Pool("q", b.EndPoint)]
        : [TcpLbUnderTest.Pool("p", c.EndPoint), TcpLbUnderTest.Pool("q", b.EndPoint, c.EndPoint) with { Balance = BalancingPolicyNames.RoundRobin }, TcpLbUnderTest.Pool("r", a.EndPoint)];

    private static RouteOptions Host(string name, string pool) => new() { Match = new RouteMatchOptions { Host = name }, Pool = pool };

    private static string Yaml(IPEndPoint a, IPEndPoint b, string host, string balance) =>
        $"listeners:\n  - listen: \"127.0.0.1:0\"\n    routes: [{{match: {{host: {host}}}, pool: p}}]\n    defaultPool: q\n"
        + $"pools:\n  p: {{backends: [\"{a}\"]}}\n  q: {{backends: [\"{b}\"], balance: {balance}}}\n";

    // A connection routed by its request head, which the echo backend sends back.
    private static async Task<Socket> OpenAsync(IPEndPoint address, string host, CancellationToken cancellationToken)
    {
        Socket socket = await Net.ConnectAsync(address, cancellationToken);
        try
        {
            byte[] head = Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
            await socket.SendAsync(head, SocketFlags.None, cancellationToken);
            if (!(await Net.ReadExactlyAsync(socket, head.Length, cancellationToken)).AsSpan().SequenceEqual(head))
            {
                throw new InvalidDataException("the request head came back changed");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
