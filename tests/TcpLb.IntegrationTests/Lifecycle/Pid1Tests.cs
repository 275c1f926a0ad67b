using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Lifecycle;

/// <summary>
/// tcplb as PID 1, as in a container without an init: the kernel delivers to PID 1 only the signals it
/// has a handler for, so SIGTERM from outside (docker stop, the kubelet) must still start the drain.
/// <c>unshare --pid --fork</c> gives tcplb a PID namespace of its own, where it is PID 1.
/// </summary>
public sealed class Pid1Tests
{
    [Theory, BothEngines]
    public async Task As_PID_1_of_its_own_PID_namespace_tcplb_drains_on_SIGTERM_and_exits_0(Engine engine)
    {
        string unshare = PeerProcess.Require("unshare");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        await using var backend = new EchoBackend(readsProxyHeader: true);
        int port = LoopbackPorts.Free();
        var target = new IPEndPoint(IPAddress.Loopback, port);
        string[] arguments = ["--pid", "--fork", "--kill-child", "--", "dotnet", Tcplb.DllPath, "run", .. Tcplb.NoAdmin, "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString(), "--send-proxy", "v1", "--engine", engine.Flag()];
        using PeerProcess container = PeerProcess.Start(unshare, arguments, PeerProcess.NewDirectory("pid1"));
        try
        {
            await container.WaitUntilAcceptingAsync(port, cancellationToken);
        }
        catch (InvalidOperationException) when (container.HasExited && container.Output.Contains("unshare", StringComparison.Ordinal))
        {
            Assert.Skip($"unshare cannot create a PID namespace here: {container.Output.Trim()}");
        }

        // unshare forked tcplb: its pid out here, and 1 in its own namespace (the last NSpid field).
        int pid = int.Parse(File.ReadAllText($"/proc/{container.Pid}/task/{container.Pid}/children").Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        string nsPid = File.ReadLines($"/proc/{pid}/status").Single(line => line.StartsWith("NSpid:", StringComparison.Ordinal));
        Assert.EndsWith("\t1", nsPid, StringComparison.Ordinal);

        using Socket open = await Net.ConnectAsync(target, cancellationToken);
        await EchoClient.AssertEchoesAsync(open, "before SIGTERM", cancellationToken);
        PeerProcess.Signal(pid, PosixSignal.SIGTERM);
        await TcpLbUnderTest.WaitUntilAsync(() => container.Output.Contains("Stopped accepting", StringComparison.Ordinal), "tcplb (PID 1) stopped accepting", cancellationToken);
        SocketException refused = await Assert.ThrowsAsync<SocketException>(() => Net.ConnectAsync(target, cancellationToken));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        await EchoClient.AssertEchoesAsync(open, "during the drain", cancellationToken);
        open.Shutdown(SocketShutdown.Send);
        Assert.Equal("fin", await Net.ReadEndAsync(open, cancellationToken));
        Assert.Equal(0, await container.WaitForExitAsync(TimeSpan.FromSeconds(15))); // unshare exits with tcplb's code
    }
}
