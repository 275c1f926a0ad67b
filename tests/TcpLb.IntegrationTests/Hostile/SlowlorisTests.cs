using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Hostile;

/// <summary>
/// Slowloris against a real <c>tcplb</c> process: 5 000 connections sending one byte per second, half of them a PROXY
/// header from the trusted upstream (closed by TcpLb at the header timeout), half the first bytes of an HTTP request to
/// a router that never answers (closed at the backend idle timeout). Each is closed at its timeout, not before; the
/// process's RSS stays within a stated bound per connection and comes back once they are gone; a normal client
/// served all along (its latencies are printed, never asserted: the machine is shared).
/// </summary>
public sealed class SlowlorisTests
{
    private const int Tricklers = 5000;
    private static readonly TimeSpan s_headerTimeout = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan s_backendIdleTimeout = TimeSpan.FromSeconds(4);

    // What one trickling connection may cost the process at most, averaged over all 5 000: its socket (and, for the
    // first-bytes half, the backend socket and the second pipe), its connection state, the one buffer that holds what
    // it sent, and the garbage the GC has not yet collected. Measured 17-23 KiB, depending on when the GC ran on a
    // busy machine (the idle bench finds 11-17 KiB per held connection). One pipe buffer per byte received (the defect
    // fixed in eb06447) costs 16 KiB for each of the ~6 bytes a header trickler sends before its timeout: ~60 KiB on
    // average here, far over this bound.
    private const long BoundPerConnection = 32 * 1024;

    // After they all closed (and the trim ran), the RSS is back within this of where it started.
    private const long AfterSlack = 24L << 20;

    [Fact]
    public async Task Five_thousand_tricklers_are_each_closed_at_their_timeout_with_bounded_memory_and_a_normal_client_is_served()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(180));
        CancellationToken cancellationToken = deadline.Token;
        await using var echo = new EchoBackend(readsProxyHeader: true);
        await using var blackHole = new BlackHoleBackend();
        int headerPort = LoopbackPorts.Free(), bytesPort = LoopbackPorts.Free();
        string directory = PeerProcess.NewDirectory("slowloris");
        string config = Path.Combine(directory, "tcplb.yaml");
        await File.WriteAllTextAsync(config, $"""
            listeners:
              - listen: ["127.0.0.1:{headerPort}"]
                backends: ["{echo.EndPoint}"]
                sendProxy: v1
                acceptProxyFrom: ["127.0.0.2/32"]
                allowDirect: true
                timeouts: {"{"}proxyHeader: {s_headerTimeout.TotalSeconds}s{"}"}
              - listen: ["127.0.0.1:{bytesPort}"]
                backends: ["{blackHole.EndPoint}"]
                timeouts: {"{"}backendIdle: {s_backendIdleTimeout.TotalSeconds}s{"}"}
            """, cancellationToken);
        using PeerProcess tcplb = Tcplb.Start(["run", "--config", config, .. Tcplb.NoAdmin]);
        await Tcplb.WaitForListeningAsync(tcplb, bytesPort, cancellationToken);
        var normalTarget = new IPEndPoint(IPAddress.Loopback, headerPort);

        List<double> before = await NormalClientLatenciesAsync(normalTarget, 20, cancellationToken);
        long rssBefore = Rss(tcplb.Pid);

        // Open them all (concurrently, bounded), then trickle one byte per second to each until TcpLb closes it.
        Trickler[] tricklers = await OpenAsync(headerPort, bytesPort, cancellationToken);
        long rssPeak = rssBefore;
        var during = new List<double>();
        var clock = Stopwatch.StartNew();
        for (int second = 0; tricklers.Any(t => !t.Closed.IsCompleted) && second < 60; second++)
        {
            foreach (Trickler trickler in tricklers.Where(t => !t.Closed.IsCompleted))
            {
                trickler.SendNextByte();
            }

            rssPeak = Math.Max(rssPeak, Rss(tcplb.Pid));
            during.AddRange(await NormalClientLatenciesAsync(normalTarget, 4, cancellationToken)); // ~one second of normal traffic
        }

        Assert.All(tricklers, t => Assert.True(t.Closed.IsCompleted, "a trickling connection was never closed"));
        TimeSpan[] headerCloses = [.. tricklers.Where(t => t.Kind == "header").Select(t => t.Closed.Result)];
        TimeSpan[] bytesCloses = [.. tricklers.Where(t => t.Kind == "bytes").Select(t => t.Closed.Result)];
        Assert.All(headerCloses, after => Assert.True(after >= s_headerTimeout - TimeSpan.FromMilliseconds(50), $"closed {after} after connecting, before its header timeout"));
        Assert.All(bytesCloses, after => Assert.True(after >= s_backendIdleTimeout - TimeSpan.FromMilliseconds(50), $"closed {after} after connecting, before its backend idle timeout"));
        Assert.Equal(Tricklers / 2, blackHole.Connections);

        // The trim gives memory back once the load fell (Hosting/MemoryTrim, every 2 s): wait for it, bounded.
        long rssAfter = Rss(tcplb.Pid);
        for (int look = 0; look < 40 && rssAfter > rssBefore + AfterSlack; look++)
        {
            await Task.Delay(250, cancellationToken);
            rssAfter = Rss(tcplb.Pid);
        }

        Assert.False(tcplb.HasExited, tcplb.Output);
        Assert.DoesNotContain("Unexpected error", tcplb.Output, StringComparison.Ordinal);
        Assert.InRange(rssPeak - rssBefore, long.MinValue, Tricklers * BoundPerConnection);
        Assert.InRange(rssAfter, 0, rssBefore + AfterSlack);
        string[] access = tcplb.Output.Split('\n');
        Assert.Equal(Tricklers / 2, access.Count(line => line.Contains("termination=cR", StringComparison.Ordinal)));
        Assert.Equal(Tricklers / 2, access.Count(line => line.Contains("termination=sD", StringComparison.Ordinal)));

        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Tricklers} tricklers closed in {clock.Elapsed.TotalSeconds:0.0} s; header ones after {Describe(headerCloses)}, first-bytes ones after {Describe(bytesCloses)}; " +
            $"RSS before {rssBefore >> 20} MiB, peak {rssPeak >> 20} MiB ({(rssPeak - rssBefore) / Tricklers} B per connection, bound {BoundPerConnection}), after {rssAfter >> 20} MiB; " +
            $"normal client ms p50/p99/max before {Percentiles(before)}, during {Percentiles(during)} ({during.Count} requests, all served)"));
    }

    private static async Task<Trickler[]> OpenAsync(int headerPort, int bytesPort, CancellationToken cancellationToken)
    {
        var tricklers = new Trickler[Tricklers];
        await Parallel.ForEachAsync(Enumerable.Range(0, Tricklers), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (i, token) =>
        {
            bool header = i % 2 == 0;
            var target = new IPEndPoint(IPAddress.Loopback, header ? headerPort : bytesPort);
            var since = Stopwatch.StartNew(); // from before the connect: TcpLb's timeouts count from its accept, which is later
            // Never from 127.0.0.1: thousands of ephemeral ports there would race tests that bind a port they found free.
            Socket socket = await Net.ConnectAsync(target, token, from: header ? Net.SecondLoopback : IPAddress.Parse("127.0.0.6"));
            tricklers[i] = new Trickler(socket, since, header ? "header" : "bytes",
                header ? "PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\r\n"u8.ToArray() : "GET / HTTP/1.1\r\nHost: slow.example\r\nUser-Agent: slowloris\r\n"u8.ToArray());
        });
        return tricklers;
    }

    // Fresh connections through the same listener the header tricklers use, each "ping" echoed by the router.
    private static async Task<List<double>> NormalClientLatenciesAsync(IPEndPoint target, int count, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        for (int i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            using Socket client = await Net.ConnectAsync(target, cancellationToken);
            await EchoClient.AssertEchoesAsync(client, "ping", cancellationToken);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(250 - Math.Min(250, (int)clock.ElapsedMilliseconds), cancellationToken);
        }

        return latencies;
    }

    private static long Rss(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(line => line.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    private static string Describe(TimeSpan[] closes) => string.Create(CultureInfo.InvariantCulture,
        $"{closes.Min().TotalSeconds:0.00}..{closes.Max().TotalSeconds:0.00} s (median {closes.Order().ElementAt(closes.Length / 2).TotalSeconds:0.00})");

    private static string Percentiles(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return string.Create(CultureInfo.InvariantCulture, $"{sorted[sorted.Length / 2]:0.0}/{sorted[(int)(sorted.Length * 0.99)]:0.0}/{sorted[^1]:0.0}");
    }

    /// <summary>One slow client: sends its bytes one at a time; <see cref="Closed"/> completes, with the time since it connected, when TcpLb closes it.</summary>
    private sealed class Trickler
    {
        private readonly Socket _socket;
        private readonly byte[] _bytes;
        private readonly Stopwatch _since;
        private int _next;

        public Trickler(Socket socket, Stopwatch since, string kind, byte[] bytes)
        {
            _socket = socket;
            _since = since;
            _bytes = bytes;
            Kind = kind;
            Closed = WatchAsync();
        }

        public string Kind { get; }

        public Task<TimeSpan> Closed { get; }

        public void SendNextByte()
        {
            try
            {
                _socket.Send(_bytes, _next++ % _bytes.Length, 1, SocketFlags.None);
            }
            catch (SocketException)
            {
                // closed by TcpLb meanwhile: the watch sees it
            }
        }

        // Waits for TcpLb's close (FIN or reset); the router never answers and the echo is not reached before the header.
        private async Task<TimeSpan> WatchAsync()
        {
            byte[] buffer = new byte[64];
            try
            {
                while (await _socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
                {
                }
            }
            catch (SocketException)
            {
            }

            TimeSpan after = _since.Elapsed;
            _socket.Dispose();
            return after;
        }
    }
}
