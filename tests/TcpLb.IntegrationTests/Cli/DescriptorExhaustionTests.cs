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
    [Fact]
    public async Task Near_the_descriptor_limit_accept_waits_and_serves_again_once_connections_close()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        int port = LoopbackPorts.Free();
        string command = $"ulimit -n 400 && exec dotnet '{Tcplb.DllPath}' run --listen 127.0.0.1:{port} --backend {backend.EndPoint} --connect on-accept --admin-listen off";
        using PeerProcess tcplb = PeerProcess.Start("bash", ["-c", command], PeerProcess.NewDirectory("tcplb-emfile"));
        await tcplb.WaitUntilAcceptingAsync(port, cancellationToken);
        var target = new IPEndPoint(IPAddress.Loopback, port);

        // Each proxied connection costs TcpLb two descriptors: 250 clients would exhaust 400.
        var clients = new List<Socket>();
        var servers = new List<Socket>();
        using var stopAccepting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task accepting = Task.Run(async () =>
        {
            while (true)
            {
                Socket server = await backend.AcceptAsync(stopAccepting.Token);
                lock (servers)
                {
                    servers.Add(server);
                }
            }
        }, cancellationToken);
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
}
