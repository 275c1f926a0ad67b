using System.Runtime.InteropServices;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Hardening;

/// <summary>
/// A SIGHUP during start-up ended the process: the reloader registered SIGHUP only once every listener was up, and
/// start-up may wait seconds for DNS discovery's first answer. Now it is held and served as one reload. The test
/// holds a real tcplb in that wait deterministically: in a mount namespace of its own (<c>unshare --mount</c>), its
/// /etc/resolv.conf names a loopback name server that answers only when the test says so.
/// </summary>
public sealed class SighupDuringStartupTests
{
    [Fact]
    public async Task A_SIGHUP_while_start_up_waits_on_DNS_is_held_and_reloads_once_when_the_reloader_runs()
    {
        string unshare = PeerProcess.Require("unshare");
        PeerProcess.Require("mount");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(90));
        CancellationToken cancellationToken = deadline.Token;
        using var nameServer = HoldingNameServer.Start();
        using var backend = new TestBackend();
        int port = LoopbackPorts.Free();
        string directory = PeerProcess.NewDirectory("sighup-start");
        string resolvConf = Path.Combine(directory, "resolv.conf");
        string config = Path.Combine(directory, "tcplb.yaml");
        await File.WriteAllTextAsync(resolvConf, $"nameserver {nameServer.Address}\n", cancellationToken);
        await File.WriteAllTextAsync(config, $"""
            listeners:
              - listen: ["127.0.0.1:{port}"]
                backends: ["{backend.EndPoint}"]
                dns: {"{"}name: routers.test, port: 80{"}"}
            """, cancellationToken);

        // unshare without --fork execs: the shell, then dotnet, keep the PID the test signals.
        using PeerProcess tcplb = PeerProcess.Start(unshare,
            ["--mount", "--propagation", "private", "--", "sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolvConf,
             "dotnet", Tcplb.DllPath, "run", "--config", config, .. Tcplb.NoAdmin],
            directory);
        await TcpLbUnderTest.WaitUntilAsync(() => nameServer.Questions > 0 || tcplb.HasExited, "tcplb asks DNS during its start-up", cancellationToken);
        if (tcplb.HasExited && nameServer.Questions == 0)
        {
            Assert.Skip($"cannot give tcplb a resolv.conf of its own (unshare --mount, mount --bind): {tcplb.Output.Trim()}");
        }

        // Start-up is now waiting for an answer that only the test can give.
        tcplb.Signal(PosixSignal.SIGHUP);
        await TcpLbUnderTest.WaitUntilAsync(() => tcplb.Output.Contains("SIGHUP during start-up: held", StringComparison.Ordinal) || tcplb.HasExited,
            "tcplb says it holds the SIGHUP", cancellationToken);
        Assert.False(tcplb.HasExited, $"SIGHUP during start-up ended tcplb:\n{tcplb.Output}");
        Assert.DoesNotContain("Listening on", tcplb.Output, StringComparison.Ordinal); // it really came during start-up

        nameServer.Release();
        await TcpLbUnderTest.WaitUntilAsync(() => tcplb.Output.Contains("Reload #1 (SIGHUP during start-up) applied", StringComparison.Ordinal) || tcplb.HasExited,
            "the held SIGHUP is served as a reload", cancellationToken);
        await tcplb.WaitUntilAcceptingAsync(port, cancellationToken);
        Assert.False(tcplb.HasExited, tcplb.Output);
        Assert.Single(tcplb.Output.Split('\n'), line => line.Contains("Reload #", StringComparison.Ordinal));

        tcplb.Signal(PosixSignal.SIGTERM);
        Assert.Equal(0, await tcplb.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task With_flags_there_is_no_file_to_reload_and_a_SIGHUP_is_ignored_with_a_line()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = Tcplb.Start(["run", .. Tcplb.NoAdmin, "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString()]);
        await Tcplb.WaitForListeningAsync(tcplb, port, cancellationToken);

        tcplb.Signal(PosixSignal.SIGHUP);
        await TcpLbUnderTest.WaitUntilAsync(() => tcplb.Output.Contains("SIGHUP ignored: tcplb runs from flags", StringComparison.Ordinal) || tcplb.HasExited,
            "tcplb says it ignores the SIGHUP", cancellationToken);
        Assert.False(tcplb.HasExited, $"SIGHUP ended tcplb:\n{tcplb.Output}");
        await tcplb.WaitUntilAcceptingAsync(port, cancellationToken);

        tcplb.Signal(PosixSignal.SIGTERM);
        Assert.Equal(0, await tcplb.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Started_with_SIGHUP_ignored_as_under_nohup_a_SIGHUP_still_reaches_tcplb()
    {
        string sh = PeerProcess.Require("sh");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        int port = LoopbackPorts.Free();

        // `trap '' HUP` is what nohup does: the disposition SIG_IGN survives exec, and the exec keeps the PID signalled.
        using PeerProcess tcplb = PeerProcess.Start(sh,
            ["-c", "trap '' HUP && exec \"$@\"", "sh", "dotnet", Tcplb.DllPath, "run", .. Tcplb.NoAdmin, "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString()],
            PeerProcess.NewDirectory("sighup-ignored"));
        await Tcplb.WaitForListeningAsync(tcplb, port, cancellationToken);

        tcplb.Signal(PosixSignal.SIGHUP);
        await TcpLbUnderTest.WaitUntilAsync(() => tcplb.Output.Contains("SIGHUP ignored: tcplb runs from flags", StringComparison.Ordinal) || tcplb.HasExited,
            "tcplb hears the SIGHUP its parent had ignored", cancellationToken);
        Assert.False(tcplb.HasExited, $"SIGHUP ended tcplb:\n{tcplb.Output}");

        tcplb.Signal(PosixSignal.SIGTERM);
        Assert.Equal(0, await tcplb.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
