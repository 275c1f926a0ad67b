using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Lifecycle;

/// <summary>
/// Binary upgrade with systemd socket activation, with two real tcplb processes on one listening socket:
/// old process A serves, new process B starts on the same socket, A gets SIGTERM and drains. Under
/// continuous load no connection is refused or cut and every byte comes back. A sends PROXY v1 and B v2,
/// so the backend tells which process dialled each connection.
/// </summary>
public sealed class BinaryUpgradeTests
{
    [Theory, BothEngines]
    public async Task A_new_process_takes_over_the_socket_while_the_old_one_drains_without_a_failed_connection(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(90));
        CancellationToken cancellationToken = deadline.Token;
        await using var backend = new EchoBackend(readsProxyHeader: true);
        int port = LoopbackPorts.Free();
        var target = new IPEndPoint(IPAddress.Loopback, port);
        using ActivationSocketHolder holder = await ActivationSocketHolder.StartAsync(
            port, ["run", .. Tcplb.NoAdmin, "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString(), "--drain-timeout", "30s", "--engine", engine.Flag()], cancellationToken);

        int a = await holder.LaunchAsync("--send-proxy v1", cancellationToken);
        await using var load = new ContinuousLoad(target, clients: 4, cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(() => backend.V1Connections >= 50, "A serves the load", cancellationToken);

        // A long connection on A (B does not run yet): A must keep serving it after SIGTERM.
        using Socket longLived = await Net.ConnectAsync(target, cancellationToken);
        await EchoClient.AssertEchoesAsync(longLived, "served by A", cancellationToken);
        int v1BeforeB = backend.V1Connections;
        Assert.Equal(0, backend.V2Connections);

        int b = await holder.LaunchAsync("--send-proxy v2", cancellationToken);
        Assert.Equal(0, holder.Count("Stopped accepting"));

        PeerProcess.Signal(a, PosixSignal.SIGTERM);
        await TcpLbUnderTest.WaitUntilAsync(() => holder.Count("Stopped accepting") == 1, "A closed its listener", cancellationToken);

        // A drains: its long connection still works, and A waits for it.
        await EchoClient.AssertEchoesAsync(longLived, "still served by A while it drains", cancellationToken);
        Assert.Null(holder.ExitCode(a));
        longLived.Shutdown(SocketShutdown.Send);
        Assert.Equal("fin", await Net.ReadEndAsync(longLived, cancellationToken));
        await TcpLbUnderTest.WaitUntilAsync(() => holder.ExitCode(a) is not null, "A exits once its last connection closed", cancellationToken);
        Assert.Equal(0, holder.ExitCode(a));

        // B alone serves from now on, on the socket A let go of.
        int v2AfterA = backend.V2Connections;
        await TcpLbUnderTest.WaitUntilAsync(() => backend.V2Connections >= v2AfterA + 100, "B serves the load alone", cancellationToken);
        int completed = await load.StopAsync();

        Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} failed exchanges:\n{string.Join('\n', load.Failures.Take(10))}\n{holder.Output}");
        Assert.True(v1BeforeB >= 50 && completed >= 150, $"completed {completed}");
        Assert.Null(holder.ExitCode(b));
        Assert.Equal(1, holder.Count("Stopped accepting"));
    }
}
