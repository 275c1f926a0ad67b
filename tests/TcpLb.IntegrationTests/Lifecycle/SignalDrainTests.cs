using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Lifecycle;

/// <summary>
/// A real <c>tcplb</c> process and real signals: SIGTERM or SIGINT closes the listener at once, lets open
/// connections finish up to <c>--drain-timeout</c>, resets what is left, and the exit code is 0 either way.
/// </summary>
public sealed class SignalDrainTests
{
    [Theory]
    [InlineData(PosixSignal.SIGTERM, Engine.Sockets)]
    [InlineData(PosixSignal.SIGINT, Engine.Sockets)]
    [InlineData(PosixSignal.SIGTERM, Engine.Epoll)]
    [InlineData(PosixSignal.SIGINT, Engine.Epoll)]
    public async Task A_signal_refuses_new_connections_and_the_open_one_finishes_then_exit_code_0(PosixSignal signal, Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        await using var backend = new EchoBackend(readsProxyHeader: true);
        (PeerProcess tcplb, IPEndPoint target) = await StartAsync(backend, "30s", engine, cancellationToken);
        using (tcplb)
        {
            using Socket open = await Net.ConnectAsync(target, cancellationToken);
            await EchoClient.AssertEchoesAsync(open, "before the signal", cancellationToken);

            tcplb.Signal(signal);
            await TcpLbUnderTest.WaitUntilAsync(() => tcplb.Output.Contains("Stopped accepting", StringComparison.Ordinal), "tcplb says it stopped accepting", cancellationToken);

            // Stopped accepting means the listening socket is closed: a new client is refused, not queued.
            SocketException refused = await Assert.ThrowsAsync<SocketException>(() => Net.ConnectAsync(target, cancellationToken));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

            // Well past System.CommandLine's own 2 s termination grace: the connection is still served.
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            await EchoClient.AssertEchoesAsync(open, "during the drain", cancellationToken);
            Assert.False(tcplb.HasExited, tcplb.Output);

            open.Shutdown(SocketShutdown.Send);
            Assert.Equal("fin", await Net.ReadEndAsync(open, cancellationToken));
            Assert.Equal(0, await tcplb.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            Assert.DoesNotContain("Drain time over", tcplb.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(PosixSignal.SIGTERM, Engine.Sockets)]
    [InlineData(PosixSignal.SIGINT, Engine.Sockets)]
    [InlineData(PosixSignal.SIGTERM, Engine.Epoll)]
    [InlineData(PosixSignal.SIGINT, Engine.Epoll)]
    public async Task A_connection_open_past_the_drain_timeout_is_reset_at_the_deadline_and_exit_code_is_0(PosixSignal signal, Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        await using var backend = new EchoBackend(readsProxyHeader: true);
        (PeerProcess tcplb, IPEndPoint target) = await StartAsync(backend, "1500ms", engine, cancellationToken);
        using (tcplb)
        {
            using Socket open = await Net.ConnectAsync(target, cancellationToken);
            await EchoClient.AssertEchoesAsync(open, "a client that never leaves", cancellationToken);

            var sinceSignal = Stopwatch.StartNew();
            tcplb.Signal(signal);
            Assert.Equal("reset", await Net.ReadEndAsync(open, cancellationToken));
            TimeSpan resetAfter = sinceSignal.Elapsed;

            Assert.Equal(0, await tcplb.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            Assert.InRange(resetAfter, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(10));
            Assert.Contains("Drain time over: reset 1 connections still open", tcplb.Output, StringComparison.Ordinal);
        }
    }

    [Theory, BothEngines]
    public async Task A_client_accepted_but_silent_when_SIGTERM_comes_is_still_served(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        await using var backend = new EchoBackend(readsProxyHeader: true);
        (PeerProcess tcplb, IPEndPoint target) = await StartAsync(backend, "30s", engine, cancellationToken);
        using (tcplb)
        {
            // Client-first: tcplb waits for this client's first bytes before it dials. The backlog is FIFO, so once
            // the client connected after it was served, tcplb has accepted the silent one too.
            using Socket silent = await Net.ConnectAsync(target, cancellationToken);
            using (Socket after = await Net.ConnectAsync(target, cancellationToken))
            {
                await EchoClient.AssertEchoesAsync(after, "accepted after the silent one", cancellationToken);
            }

            tcplb.Signal(PosixSignal.SIGTERM);
            await TcpLbUnderTest.WaitUntilAsync(() => tcplb.Output.Contains("Stopped accepting", StringComparison.Ordinal), "tcplb says it stopped accepting", cancellationToken);

            await EchoClient.AssertEchoesAsync(silent, "first bytes after the signal", cancellationToken);
            silent.Shutdown(SocketShutdown.Send);
            Assert.Equal("fin", await Net.ReadEndAsync(silent, cancellationToken));
            Assert.Equal(0, await tcplb.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        }
    }

    private static async Task<(PeerProcess Tcplb, IPEndPoint Target)> StartAsync(EchoBackend backend, string drainTimeout, Engine engine, CancellationToken cancellationToken)
    {
        int port = LoopbackPorts.Free();
        string[] arguments = [Tcplb.DllPath, "run", .. Tcplb.NoAdmin, "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString(), "--send-proxy", "v1", "--drain-timeout", drainTimeout, "--engine", engine.Flag()];
        PeerProcess tcplb = PeerProcess.Start("dotnet", arguments, PeerProcess.NewDirectory("drain"));
        try
        {
            await tcplb.WaitUntilAcceptingAsync(port, cancellationToken);
            return (tcplb, new IPEndPoint(IPAddress.Loopback, port));
        }
        catch
        {
            tcplb.Dispose();
            throw;
        }
    }
}
