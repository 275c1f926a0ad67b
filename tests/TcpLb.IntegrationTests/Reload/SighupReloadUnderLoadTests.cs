using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Reload;

/// <summary>
/// The issue's proof, with a real <c>tcplb</c> process and real signals: 20 reloads by SIGHUP under continuous
/// load (clients doing request/response echo through TcpLb, every byte checked), changing backend sets, weights,
/// policies and timeouts, with zero failed connections, zero corrupted bytes, and the last file in effect.
/// </summary>
public sealed class SighupReloadUnderLoadTests : IDisposable
{
    private const int Reloads = 20;
    private const int Clients = 6;
    private const int LongLived = 3;
    private readonly string _directory = Directory.CreateTempSubdirectory("tcplb-sighup-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory, BothEngines]
    public async Task Twenty_reloads_under_load_fail_no_connection_and_corrupt_no_byte(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromMinutes(3));
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        await using var b = new EchoBackend();
        await using var c = new EchoBackend();
        EchoBackend[] backends = [a, b, c];
        string path = Path.Combine(_directory, "tcplb.yaml");
        var listener = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Free());
        WriteConfig(path, listener, backends, generation: 0);
        using PeerProcess tcplb = Tcplb.Start(["run", "--config", path, .. Tcplb.NoAdmin, "--engine", engine.Flag()]);
        await tcplb.WaitForLineAsync(line => line.Contains($"Listening on {listener}", StringComparison.Ordinal), cancellationToken);
        await tcplb.WaitForLineAsync(line => line.Contains("on SIGHUP", StringComparison.Ordinal), cancellationToken); // until then SIGHUP would end it

        // Connections opened before the first reload and used after each one: a reload never cuts them.
        var random = new Random(20);
        Socket[] longLived = await Task.WhenAll(Enumerable.Range(0, LongLived).Select(_ => Net.ConnectAsync(listener, cancellationToken)));
        try
        {
            var failures = new ConcurrentQueue<string>();
            int conversations = 0;
            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task[] load = [.. Enumerable.Range(0, Clients).Select(client => Task.Run(() => LoadAsync(client), CancellationToken.None))];

            for (int generation = 1; generation <= Reloads; generation++)
            {
                int before = Volatile.Read(ref conversations);
                WriteConfig(path, listener, backends, generation);
                tcplb.Signal(PosixSignal.SIGHUP);
                await tcplb.WaitForLineAsync(line => line.Contains("SIGHUP) applied", StringComparison.Ordinal), cancellationToken, count: generation);
                foreach (Socket socket in longLived)
                {
                    await EchoClient.RoundAsync(socket, 4096, random, cancellationToken);
                }

                // The load goes on between reloads: some conversations complete before the next one.
                await TcpLbUnderTest.WaitUntilAsync(() => Volatile.Read(ref conversations) >= before + Clients, "load to flow after a reload", cancellationToken);
            }

            await stopLoad.CancelAsync();
            await Task.WhenAll(load);

            TestContext.Current.TestOutputHelper?.WriteLine($"{Reloads} reloads, {conversations} conversations, {failures.Count} failures");
            Assert.True(failures.IsEmpty, $"{string.Join("\n", failures)}\ntcplb said:\n{string.Join("\n", tcplb.Lines.Where(line => !line.Contains(" info: ", StringComparison.Ordinal)))}");
            Assert.True(conversations > Reloads * Clients, $"only {conversations} conversations");
            Assert.DoesNotContain(tcplb.Lines, line => line.Contains("refused", StringComparison.Ordinal) || line.Contains("fail:", StringComparison.Ordinal));

            // The last file is in effect: generation 20 has only backend c.
            int[] acceptedBefore = [.. backends.Select(backend => backend.Accepted)];
            for (int i = 0; i < 10; i++)
            {
                await EchoClient.ConverseAsync(listener, 1, 100, random, cancellationToken);
            }

            Assert.Equal([acceptedBefore[0], acceptedBefore[1], acceptedBefore[2] + 10], backends.Select(backend => backend.Accepted));

            async Task LoadAsync(int client)
            {
                var own = new Random(client);
                while (!stopLoad.IsCancellationRequested)
                {
                    try
                    {
                        await EchoClient.ConverseAsync(listener, own.Next(1, 6), own.Next(1, 32 * 1024), own, cancellationToken);
                        Interlocked.Increment(ref conversations);
                    }
                    catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                    {
                        failures.Enqueue($"{exception.GetType().Name}: {exception.Message}");
                    }
                }
            }
        }
        finally
        {
            foreach (Socket socket in longLived)
            {
                socket.Dispose();
            }
        }

        Assert.Equal(0, await tcplb.StopAsync());
    }

    // Four configurations in turn: other backend sets, weights, policies and timeouts. Generation 0 and 20: c alone.
    private static void WriteConfig(string path, IPEndPoint listener, EchoBackend[] backends, int generation)
    {
        (string a, string b, string c) = (backends[0].EndPoint.ToString(), backends[1].EndPoint.ToString(), backends[2].EndPoint.ToString());
        string pool = (generation % 4) switch
        {
            0 => $"    backends: [\"{c}\"]\n    balance: random\n",
            1 => $"    backends: [\"{a}\", \"{b}\"]\n    balance: least-connections\n",
            2 => $"    backends: [{{address: \"{b}\", weight: 3}}, \"{c}\"]\n    balance: round-robin\n    timeouts: {{connect: 2s}}\n",
            _ => $"    backends: [{{address: \"{a}\", weight: 2}}, {{address: \"{c}\", maxConnections: 1000}}]\n    balance: power-of-two\n    retries: 1\n",
        };

        // Written aside and renamed over the file, as editors and ConfigMap updates do: a reload never reads half a file.
        string next = path + ".next";
        File.WriteAllText(next, $"# generation {generation}\nlisteners:\n  - listen: \"{listener}\"\n{pool}");
        File.Move(next, path, overwrite: true);
    }
}
