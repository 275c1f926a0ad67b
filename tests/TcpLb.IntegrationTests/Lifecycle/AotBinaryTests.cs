using System.Runtime.InteropServices;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Lifecycle;

/// <summary>
/// The Native AOT binary, for real: forwarding with a PROXY header, socket activation, SIGTERM. Publishing it
/// takes minutes, so these run when <c>TCPLB_AOT_BINARY</c> names a published binary, as
/// <c>packaging/aot-smoke.sh</c> does after it publishes one; otherwise they skip, saying so.
/// </summary>
public sealed class AotBinaryTests
{
    private static string Binary
    {
        get
        {
            string? binary = Environment.GetEnvironmentVariable("TCPLB_AOT_BINARY");
            if (string.IsNullOrEmpty(binary))
            {
                Assert.Skip("TCPLB_AOT_BINARY is not set: packaging/aot-smoke.sh publishes the Native AOT tcplb and runs these tests on it.");
            }

            Assert.True(File.Exists(binary), $"TCPLB_AOT_BINARY: {binary} does not exist");
            return binary;
        }
    }

    [Theory]
    [InlineData("v1", Engine.Sockets)]
    [InlineData("v2", Engine.Sockets)]
    [InlineData("v1", Engine.Epoll)]
    [InlineData("v2", Engine.Epoll)]
    public async Task The_AOT_binary_forwards_bytes_after_a_PROXY_header_and_exits_0_on_SIGTERM(string version, Engine engine)
    {
        string binary = Binary;
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        await using var backend = new EchoBackend(readsProxyHeader: true);
        int port = LoopbackPorts.Free();
        string[] arguments = ["run", .. Tcplb.NoAdmin, "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString(), "--send-proxy", version, "--balance", "round-robin", "--engine", engine.Flag()];
        using PeerProcess tcplb = PeerProcess.Start(binary, arguments, PeerProcess.NewDirectory("aot"));
        await tcplb.WaitUntilAcceptingAsync(port, cancellationToken);

        await EchoClient.AssertWholeConnectionAsync(port, 64 * 1024, cancellationToken);
        Assert.Equal(1, version == "v1" ? backend.V1Connections : backend.V2Connections);

        tcplb.Signal(PosixSignal.SIGTERM);
        Assert.Equal(0, await tcplb.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("Stopped accepting", tcplb.Output, StringComparison.Ordinal);
    }

    [Theory, BothEngines]
    public async Task The_AOT_binary_accepts_on_a_socket_passed_by_systemd(Engine engine)
    {
        string binary = Binary;
        string activate = PeerProcess.Require("systemd-socket-activate");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        await using var backend = new EchoBackend(readsProxyHeader: true);
        int port = LoopbackPorts.Free();
        string[] arguments = ["-l", $"127.0.0.1:{port}", "--", binary, "run", .. Tcplb.NoAdmin, "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString(), "--send-proxy", "v2", "--engine", engine.Flag()];
        using PeerProcess tcplb = PeerProcess.Start(activate, arguments, PeerProcess.NewDirectory("aot-activation"));
        await tcplb.WaitUntilAcceptingAsync(port, cancellationToken);

        await EchoClient.AssertWholeConnectionAsync(port, 1000, cancellationToken);

        // The log line may still be on its way (console logger, pipe) when the connection has already been served.
        string adopted = $"Accepting on socket 3 (unknown) passed by systemd for 127.0.0.1:{port}";
        await tcplb.WaitForLineAsync(line => line.Contains(adopted, StringComparison.Ordinal), cancellationToken);
    }
}
