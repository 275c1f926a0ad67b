using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using TcpLb.Testing;
using TcpLb.IntegrationTests.EndToEnd;
using Xunit;

namespace TcpLb.IntegrationTests.Chaos;

/// <summary>
/// Faults under load, end to end: mixed traffic (<see cref="MixedLoad"/>) through a real <c>tcplb</c> process to four
/// routers — two real nginx killed (SIGKILL, by PID) and restarted in turn, one nginx answering slowly (rate
/// limited), one black hole that accepts and never answers — while the config is rewritten and reloaded (SIGHUP).
/// Afterwards: every completed transfer was byte-exact; every failure was a connection open on a router while it was
/// being killed (from the signal to its death: one reset 5 ms after the signal was sent fell outside a single instant),
/// or one that landed on the black hole (the access log says which router each had; the
/// counts must match); descriptors, threads and RSS back near their baseline. 90 s in CI;
/// <c>TCPLB_CHAOS_SECONDS</c> makes it longer.
/// </summary>
public sealed partial class ChaosTests
{
    private const int BulkLength = 1 << 20;
    private const int Workers = 12;

    [Fact]
    public async Task Under_mixed_load_with_routers_killed_a_black_hole_a_slow_router_and_reloads_nothing_is_lost_but_what_was_on_a_killed_router()
    {
        PeerProcess.Require("nginx");
        TimeSpan duration = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("TCPLB_CHAOS_SECONDS"), out int seconds) ? seconds : 90);
        using CancellationTokenSource deadline = TestDeadline.Start(duration + TimeSpan.FromMinutes(3));
        CancellationToken cancellationToken = deadline.Token;
        string directory = PeerProcess.NewDirectory("chaos");
        byte[] bulk = RandomNumberGenerator.GetBytes(BulkLength);
        string bulkPath = Path.Combine(directory, "bulk.bin");
        await File.WriteAllBytesAsync(bulkPath, bulk, cancellationToken);

        await using WebSocketEchoServer echo = await WebSocketEchoServer.StartAsync(cancellationToken);
        await using var blackHole = new BlackHoleBackend();
        int[] ports = [LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free()];
        string[] routerBlocks = [.. ports.Select((port, i) => RouterBlock(i, port, bulkPath, echo.EndPoint, slow: i == 2))];
        var routers = new PeerProcess?[3];
        for (int i = 0; i < 3; i++)
        {
            routers[i] = await Nginx.StartAsync(routerBlocks[i], ports[i], cancellationToken);
        }

        int listen = LoopbackPorts.Free();
        string config = Path.Combine(directory, "tcplb.yaml");
        string[] backends = [.. ports.Select(port => $"127.0.0.1:{port}"), blackHole.EndPoint.ToString()];
        await File.WriteAllTextAsync(config, Config(listen, backends, slowWeight: 1), cancellationToken);
        using PeerProcess tcplb = Tcplb.Start(["run", "--config", config, "--admin-listen", "127.0.0.1:0"]);
        Uri admin = await Tcplb.WaitForAdminAsync(tcplb, cancellationToken);
        await Tcplb.WaitForListeningAsync(tcplb, listen, cancellationToken);
        var clock = Stopwatch.StartNew();
        var load = new MixedLoad(new IPEndPoint(IPAddress.Loopback, listen), SHA256.HashData(bulk), BulkLength, clock);

        // Baseline once warm: a few seconds of load, then idle.
        await load.RunAsync(4, clock.Elapsed + TimeSpan.FromSeconds(3), cancellationToken);
        await WaitForNoConnectionsAsync(admin, cancellationToken);
        (int sockets, int files, int threads, long rss) baseline = Resources(tcplb.Pid);
        int warmup = load.Transfers.Count;

        // The faults, on a schedule of their own while the load runs.
        var kills = new List<(string Router, TimeSpan From, TimeSpan To)>(); // from the signal's sending to the router's death
        int reloads = 0;
        TimeSpan loadEnd = clock.Elapsed + duration;
        Task running = load.RunAsync(Workers, loadEnd, cancellationToken);
        for (int round = 0; clock.Elapsed < loadEnd - TimeSpan.FromSeconds(8); round++)
        {
            await Task.Delay(TimeSpan.FromSeconds(6), cancellationToken);
            int victim = round % 2; // the two routers killed in turn; the slow one and the black hole stay
            TimeSpan killed = clock.Elapsed;
            Kill(routers[victim]!);
            await routers[victim]!.WaitForExitAsync(TimeSpan.FromSeconds(10));
            kills.Add((backends[victim], killed, clock.Elapsed));
            routers[victim]!.Dispose();
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            routers[victim] = await Nginx.StartAsync(routerBlocks[victim], ports[victim], cancellationToken);
            if (round % 2 == 1)
            {
                await File.WriteAllTextAsync(config, Config(listen, backends, slowWeight: 1 + (round % 4 == 1 ? 1 : 0)), cancellationToken);
                tcplb.Signal(PosixSignal.SIGHUP);
                reloads++;
            }
        }

        await running;
        await WaitForNoConnectionsAsync(admin, cancellationToken);

        // Which router each connection had, from the access log: client=ADDRESS:PORT ... backend=ROUTER ...
        var routerOf = AccessLine().Matches(tcplb.Output).ToDictionary(m => m.Groups["client"].Value, m => m.Groups["backend"].Value);
        Transfer[] transfers = [.. load.Transfers.Skip(warmup)];
        Transfer[] failed = [.. transfers.Where(t => t.Failed)];
        Transfer[] onKilled = [.. failed.Where(t => routerOf.TryGetValue(t.Client.ToString(), out string? router) && kills.Any(k => k.Router == router && t.Overlaps(k.From, k.To)))];
        Transfer[] onBlackHole = [.. failed.Where(t => routerOf.GetValueOrDefault(t.Client.ToString()) == blackHole.EndPoint.ToString())];
        Transfer[] unexplained = [.. failed.Except(onKilled).Except(onBlackHole)];
        long bytesChecked = transfers.Where(t => !t.Failed).Sum(t => t.BytesChecked);

        // Give the trim its look (every 2 s) and the thread pool a moment to retire what the load started: bounded.
        (int sockets, int files, int threads, long rss) after = Resources(tcplb.Pid);
        for (int look = 0; look < 60 && (after.sockets > baseline.sockets + 2 || after.rss > baseline.rss + (48L << 20)); look++)
        {
            await Task.Delay(500, cancellationToken);
            after = Resources(tcplb.Pid);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{duration.TotalSeconds} s, {transfers.Length} connections ({string.Join(", ", transfers.GroupBy(t => t.Kind).Select(g => $"{g.Count()} {g.Key}"))}), " +
            $"{bytesChecked} bytes checked byte for byte; faults: {kills.Count} router kills + restarts, {reloads} reloads, 1 black hole, 1 slow router; " +
            $"failed {failed.Length}: {onKilled.Length} open on a router when it was killed, {onBlackHole.Length} on the black hole, {unexplained.Length} else; " +
            $"socket descriptors {baseline.sockets} -> {after.sockets}, other descriptors {baseline.files} -> {after.files}, threads {baseline.threads} -> {after.threads}, RSS {baseline.rss >> 20} -> {after.rss >> 20} MiB"));
        Assert.True(unexplained.Length == 0, "failures not explained by a kill or the black hole:\n" + string.Join('\n', unexplained.Take(10).Select(t => $"{t.Kind} {t.Client} {t.Start}..{t.End} backend={routerOf.GetValueOrDefault(t.Client.ToString(), "?")}: {t.Failure}")));
        Assert.True(kills.Count >= 2 && transfers.Length > 100 && bytesChecked > 0, "the chaos ran");
        Assert.Equal(reloads, Regex.Count(tcplb.Output, @"Reload #\d+ \(SIGHUP\) applied"));
        Assert.False(tcplb.HasExited, tcplb.Output);
        Assert.DoesNotContain("Unexpected error", tcplb.Output, StringComparison.Ordinal);
        Assert.InRange(after.sockets, 0, baseline.sockets + 2); // every connection's sockets given back (a health check in progress may hold one or two)
        Assert.InRange(after.files, 0, baseline.files + 16); // files: the assemblies the kills and reloads made the runtime load, never per connection
        Assert.InRange(after.rss, 0, baseline.rss + (48L << 20));
        Assert.InRange(after.threads, 0, baseline.threads + 8); // the thread pool may keep a few workers it grew under load

        foreach (PeerProcess? router in routers)
        {
            router?.Dispose();
        }
    }

    [GeneratedRegex(@"client=(?<client>[0-9.]+:\d+) .*?backend=(?<backend>\S+)")]
    private static partial Regex AccessLine();

    private static string RouterBlock(int index, int port, string bulkPath, IPEndPoint echo, bool slow) => $$"""
          server {
            listen 127.0.0.1:{{port}} proxy_protocol;
            {{(slow ? "limit_rate 2m;" : string.Empty)}}
            location = /small { return 200 "small-{{index}}\n"; }
            location = /bulk { alias {{bulkPath}}; }
            location /ws {
              proxy_pass http://{{echo}};
              proxy_http_version 1.1;
              proxy_set_header Upgrade $http_upgrade;
              proxy_set_header Connection "upgrade";
              proxy_buffering off;
            }
          }
        """;

    private static string Config(int listen, string[] backends, int slowWeight) => $$"""
        listeners:
          - listen: ["127.0.0.1:{{listen}}"]
            backends: ["{{backends[0]}}", "{{backends[1]}}", {address: "{{backends[2]}}", weight: {{slowWeight}}}, "{{backends[3]}}"]
            sendProxy: v1
            balance: round-robin
            healthCheck: {kind: http, path: /small, interval: 500ms, timeout: 400ms, fall: 2, rise: 2}
            timeouts: {connect: 1s, backendIdle: 5s}
        """;

    private static void Kill(PeerProcess router)
    {
        using Process kill = Process.Start("kill", ["-9", router.Pid.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit(5000);
    }

    private static async Task WaitForNoConnectionsAsync(Uri admin, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        await TcpLbUnderTest.WaitUntilAsync(
            () => ActiveConnections(http.GetStringAsync(new Uri(admin, "/status"), cancellationToken).GetAwaiter().GetResult()) == 0,
            "tcplb has no connection open", cancellationToken);
    }

    private static int ActiveConnections(string status)
    {
        using var json = System.Text.Json.JsonDocument.Parse(status);
        return json.RootElement.GetProperty("activeConnections").GetInt32();
    }

    // Socket descriptors apart from the rest (assemblies the runtime maps, pipes, the epoll and inotify descriptors).
    private static (int Sockets, int Files, int Threads, long Rss) Resources(int pid)
    {
        string[] targets = [.. Directory.GetFiles($"/proc/{pid}/fd").Select(fd => new FileInfo(fd).LinkTarget ?? string.Empty)];
        int sockets = targets.Count(target => target.StartsWith("socket:", StringComparison.Ordinal));
        string[] status = File.ReadAllLines($"/proc/{pid}/status");
        long Field(string name) => long.Parse(status.Single(line => line.StartsWith(name, StringComparison.Ordinal)).Split(' ', '\t').Last(part => part.Length > 0 && char.IsAsciiDigit(part[0])), CultureInfo.InvariantCulture);
        return (sockets, targets.Length - sockets, (int)Field("Threads:"), Field("VmRSS:") * 1024);
    }
}
