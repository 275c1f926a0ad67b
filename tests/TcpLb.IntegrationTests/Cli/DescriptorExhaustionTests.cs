using System.Net;
using System.Net.Sockets;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Cli;

/// <summary>
/// Near the descriptor limit TcpLb stops accepting (clients wait in the backlog) instead of running out:
/// out of descriptors .NET cannot start a thread and aborts. It serves again once connections close.
/// </summary>
public sealed class DescriptorExhaustionTests
{
    [Theory, BothEngines]
    public async Task Near_the_descriptor_limit_accept_waits_and_serves_again_once_connections_close(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        int port = LoopbackPorts.Free();
        string command = $"ulimit -n 400 && exec dotnet '{Tcplb.DllPath}' run --listen 127.0.0.1:{port} --backend {backend.EndPoint} --connect on-accept --admin-listen off --engine {engine.Flag()}";
        using PeerProcess tcplb = PeerProcess.Start("bash", ["-c", command], PeerProcess.NewDirectory("tcplb-emfile"));
        await tcplb.WaitUntilAcceptingAsync(port, cancellationToken);
        var target = new IPEndPoint(IPAddress.Loopback, port);

        // Each proxied connection costs TcpLb two descriptors: 250 clients would exhaust 400.
        var clients = new List<Socket>();
        var servers = new List<Socket>();
        using var stopAccepting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task accepting = AcceptIntoAsync(backend, servers, stopAccepting.Token);
        for (int i = 0; i < 250; i++)
        {
            clients.Add(await Net.ConnectAsync(target, cancellationToken)); // the kernel's backlog takes them all
        }

        await TcpLbUnderTest.WaitUntilAsync(() => tcplb.Output.Contains("the file descriptor (RLIMIT_NOFILE) limit", StringComparison.Ordinal), "TcpLb reports its descriptor budget is reached", cancellationToken);
        string warning = tcplb.Output.Split('\n').First(line => line.Contains("RLIMIT_NOFILE", StringComparison.Ordinal));
        int budget = int.Parse(System.Text.RegularExpressions.Regex.Match(warning, @"(\d+) connections open").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(budget, 50, 180); // (400 - what the runtime holds open - 64) / 2
        await TcpLbUnderTest.WaitUntilAsync(() => ServerCount(servers) == budget, $"the backend holds the {budget} connections of the budget", cancellationToken);
        await Task.Delay(300, cancellationToken); // a bounded look for one connection too many
        Assert.Equal(budget, ServerCount(servers));
        Assert.False(tcplb.HasExited);

        // Free everything: TcpLb must serve again.
        await stopAccepting.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting);
        clients.ForEach(client => client.Dispose());
        lock (servers)
        {
            servers.ForEach(server => server.Dispose());
        }

        await TcpLbUnderTest.WaitUntilAsync(() => ServedAfresh(target, backend), "a new client is served again", cancellationToken);
        Assert.False(tcplb.HasExited);
        Assert.DoesNotContain("Out of memory", tcplb.Output, StringComparison.Ordinal);
    }

    [Theory, BothEngines]
    public async Task Exhausted_three_times_with_the_admin_endpoint_and_health_checks_running_tcplb_stays_live_and_recovers_each_time(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(120));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var probed = new BlackHoleBackend(); // the health checks' port: accepted, never answered
        int port = LoopbackPorts.Free();
        string command = $"ulimit -n 256 && exec dotnet '{Tcplb.DllPath}' run --listen 127.0.0.1:{port} --backend {backend.EndPoint} --connect on-accept " +
            $"--admin-listen 127.0.0.1:0 --health-check tcp --health-port {probed.EndPoint.Port} --health-interval 250ms --engine {engine.Flag()}";
        using PeerProcess tcplb = PeerProcess.Start("bash", ["-c", command], PeerProcess.NewDirectory("tcplb-emfile-cycles"));
        Uri admin = await Tcplb.WaitForAdminAsync(tcplb, cancellationToken);
        await tcplb.WaitUntilAcceptingAsync(port, cancellationToken);
        var target = new IPEndPoint(IPAddress.Loopback, port);
        using var http = new HttpClient();
        int budget = 0;

        for (int cycle = 0; cycle < 3; cycle++)
        {
            var servers = new List<Socket>();
            using var stopAccepting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task accepting = AcceptIntoAsync(backend, servers, stopAccepting.Token);
            var clients = new List<Socket>();
            for (int i = 0; i < 150; i++)
            {
                clients.Add(await Net.ConnectAsync(target, cancellationToken)); // more than the budget: the rest wait in the backlog
            }

            if (cycle == 0)
            {
                await TcpLbUnderTest.WaitUntilAsync(() => tcplb.Output.Contains("the file descriptor (RLIMIT_NOFILE) limit", StringComparison.Ordinal) || tcplb.HasExited, "TcpLb reports its descriptor budget is reached", cancellationToken);
                Assert.False(tcplb.HasExited, tcplb.Output);
                string warning = tcplb.Output.Split('\n').First(line => line.Contains("RLIMIT_NOFILE", StringComparison.Ordinal));
                budget = int.Parse(System.Text.RegularExpressions.Regex.Match(warning, @"(\d+) connections open").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(budget, 1, 100); // (256 - what the runtime, Kestrel, its assemblies and the checks hold - 64) / 2
            }

            // The budget follows the descriptors the checks hold from one second to the next: the backend gets at most it, and some.
            await TcpLbUnderTest.WaitUntilAsync(() => ServerCount(servers) > 0 || tcplb.HasExited, $"cycle {cycle}: connections reach the backend", cancellationToken);
            Assert.InRange(ServerCount(servers), 1, budget + 2);

            // Full, yet alive: the liveness probe answers (the budget keeps descriptors back for it) and checks go on.
            using (HttpResponseMessage live = await http.GetAsync(new Uri(admin, "/healthz"), cancellationToken))
            {
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            }

            int probes = probed.Connections;
            await TcpLbUnderTest.WaitUntilAsync(() => probed.Connections > probes, $"cycle {cycle}: health checks still connect", cancellationToken);

            await stopAccepting.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting);
            clients.ForEach(client => client.Dispose());
            servers.ForEach(server => server.Dispose());
            await TcpLbUnderTest.WaitUntilAsync(() => ServedAfresh(target, backend), $"cycle {cycle}: a new client is served again", cancellationToken);
            await DrainPendingAsync(backend, cancellationToken);
        }

        Assert.False(tcplb.HasExited, tcplb.Output);
        Assert.DoesNotContain("Unexpected error", tcplb.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", tcplb.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("TooManyOpenSockets", tcplb.Output, StringComparison.Ordinal); // descriptors never ran out: the budget kept them back
        TestContext.Current.TestOutputHelper?.WriteLine($"budget {budget} connections at ulimit -n 256; 3 cycles of 150 clients; {probed.Connections} health checks");
    }

    /// <summary>
    /// The limit lowered under a running process (its descriptor budget was measured against the old one), so accept
    /// itself fails with EMFILE: TcpLb backs off instead of spinning or dying, and serves again once descriptors free up.
    /// The epoll engine only: on the sockets engine the .NET runtime aborts the process when, out of descriptors, it
    /// cannot start a thread; there the descriptor budget above is what keeps it from getting here.
    /// The clients stay silent and TcpLb waits for their first bytes, so each costs exactly one descriptor and accept
    /// is what runs out. (Dialling at accept, a client that got the last descriptor found none for its backend and was
    /// closed, freeing it again: with an odd number left, accept never failed and the test waited in vain.)
    /// </summary>
    [Fact]
    public async Task Out_of_descriptors_at_accept_the_epoll_engine_backs_off_and_serves_again_once_some_close()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the epoll engine runs on Linux only");
        const Engine engine = Engine.Epoll;
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = PeerProcess.Start(
            "dotnet", [Tcplb.DllPath, "run", "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString(), "--connect", "on-first-bytes",
                "--first-bytes-timeout", "1h", "--admin-listen", "off", "--engine", engine.Flag(), "--threads", "1"],
            PeerProcess.NewDirectory("tcplb-emfile-accept"));
        await tcplb.WaitUntilAcceptingAsync(port, cancellationToken);
        var target = new IPEndPoint(IPAddress.Loopback, port);
        int open = Directory.GetFiles($"/proc/{tcplb.Pid}/fd").Length;
        string limit = (open + 8).ToString(System.Globalization.CultureInfo.InvariantCulture);
        (int code, _, string error) = await RunAsync("prlimit", ["--pid", tcplb.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), $"--nofile={limit}:{limit}"], cancellationToken);
        Assert.True(code == 0, $"prlimit failed: {error}");

        // A few connections take the last descriptors; the rest wait in the backlog while accept fails.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var clients = new List<Socket>();
        for (int i = 0; i < 20; i++)
        {
            clients.Add(await Net.ConnectAsync(target, cancellationToken));
        }

        await TcpLbUnderTest.WaitUntilAsync(() => tcplb.Output.Contains("failed with", StringComparison.Ordinal) || tcplb.HasExited, "TcpLb reports a failed accept", cancellationToken);
        Assert.False(tcplb.HasExited, tcplb.Output);

        clients.ForEach(client => client.Dispose());
        await TcpLbUnderTest.WaitUntilAsync(() => ServedAfreshOnFirstBytes(target, backend), "a new client is served again", cancellationToken);
        Assert.False(tcplb.HasExited, tcplb.Output);

        // It backed off (one failed accept per 100 ms at most) rather than spinning on a listener that stays readable.
        int failures = tcplb.Output.Split('\n').Count(line => line.Contains("failed with", StringComparison.Ordinal));
        Assert.InRange(failures, 1, (watch.ElapsedMilliseconds / 100) + 2);
    }

    private static async Task<(int Code, string Out, string Error)> RunAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        string error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, output, error);
    }

    // Connections left in the backend's queue by the probes of ServedAfresh (and clients the backlog still held): accepted and closed.
    private static async Task DrainPendingAsync(TestBackend backend, CancellationToken cancellationToken)
    {
        for (int i = 0; i < 400 && backend.HasPendingConnection(TimeSpan.FromMilliseconds(100)); i++)
        {
            using Socket pending = await backend.AcceptAsync(cancellationToken);
        }
    }

    // Accepts every connection the backend gets into servers, until cancelled.
    private static Task AcceptIntoAsync(TestBackend backend, List<Socket> servers, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        while (true)
        {
            Socket server = await backend.AcceptAsync(cancellationToken);
            lock (servers)
            {
                servers.Add(server);
            }
        }
    }, CancellationToken.None);

    private static int ServerCount(List<Socket> servers)
    {
        lock (servers)
        {
            return servers.Count;
        }
    }

    // One probe connection: true when TcpLb took it and dialled the backend (on-accept: the backend sees it at once).
    private static bool ServedAfresh(IPEndPoint target, TestBackend backend)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(target);
        return backend.HasPendingConnection(TimeSpan.FromMilliseconds(500));
    }

    // The same for a client-first listener: the probe's first byte makes TcpLb dial.
    private static bool ServedAfreshOnFirstBytes(IPEndPoint target, TestBackend backend)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(target);
        client.Send("x"u8);
        return backend.HasPendingConnection(TimeSpan.FromMilliseconds(500));
    }
}
