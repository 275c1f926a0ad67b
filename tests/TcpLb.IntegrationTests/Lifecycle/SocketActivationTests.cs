using System.Net;
using System.Net.Sockets;
using TcpLb.Testing;
using TcpLb.Transport;
using Xunit;

namespace TcpLb.IntegrationTests.Lifecycle;

/// <summary>
/// The <c>sd_listen_fds</c> protocol as tcplb reads it: which descriptors are ours, their names, and with a
/// real <c>systemd-socket-activate</c> what happens to sockets and listeners that do not pair up.
/// </summary>
public sealed class SocketActivationTests
{
    [Fact]
    public void Descriptors_start_at_3_and_take_their_names_in_order()
    {
        IReadOnlyList<SocketActivation.PassedDescriptor> passed = SocketActivation.Parse("42", "3", "public:admin", 42, out string? problem);

        Assert.Null(problem);
        Assert.Equal([new(3, "public"), new(4, "admin"), new(5, "unknown")], passed);
    }

    [Fact]
    public void Descriptors_meant_for_another_process_are_not_ours()
    {
        // A shell started with them that did not exec: LISTEN_PID names the shell, not us.
        Assert.Empty(SocketActivation.Parse("41", "2", null, 42, out string? problem));
        Assert.Null(problem);
    }

    [Fact]
    public void Without_the_variables_there_is_nothing_to_adopt()
    {
        Assert.Empty(SocketActivation.Parse(null, null, null, 42, out string? problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("x", "1", "LISTEN_PID 'x' is not a process id")]
    [InlineData(null, "1", "LISTEN_PID '' is not a process id")]
    [InlineData("42", "-1", "LISTEN_FDS '-1' is not a descriptor count")]
    [InlineData("42", "", "LISTEN_FDS '' is not a descriptor count")]
    [InlineData("42", "99999", "LISTEN_FDS '99999' is not a descriptor count")]
    public void Malformed_variables_are_named_and_nothing_is_adopted(string? listenPid, string? listenFds, string expected)
    {
        Assert.Empty(SocketActivation.Parse(listenPid, listenFds, null, 42, out string? problem));
        Assert.Equal(expected, problem);
    }

    [Theory, BothEngines]
    public async Task An_inherited_socket_serves_its_listener_an_unmatched_one_is_closed_and_a_listener_without_one_binds(Engine engine)
    {
        string activate = PeerProcess.Require("systemd-socket-activate");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        await using var backend = new EchoBackend(readsProxyHeader: true);
        int inherited = LoopbackPorts.Free();
        int unmatched = LoopbackPorts.Free();
        int bound = LoopbackPorts.Free();

        // systemd-socket-activate execs tcplb in place (same pid) once the first connection arrives.
        string[] arguments =
        [
            "-l", $"127.0.0.1:{inherited}", "-l", $"127.0.0.1:{unmatched}", "--fdname=public:spare", "--",
            "dotnet", Tcplb.DllPath, "run", .. Tcplb.NoAdmin, "--engine", engine.Flag(), "--listen", $"127.0.0.1:{inherited}", "--listen", $"127.0.0.1:{bound}",
            "--backend", backend.EndPoint.ToString(), "--send-proxy", "v1",
        ];
        using PeerProcess tcplb = PeerProcess.Start(activate, arguments, PeerProcess.NewDirectory("activation"));
        await tcplb.WaitUntilAcceptingAsync(inherited, cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(() => tcplb.Output.Contains($"Listening on 127.0.0.1:{bound}", StringComparison.Ordinal), $"tcplb listens\n{tcplb.Output}", cancellationToken);

        Assert.Contains($"Accepting on socket 3 (public) passed by systemd for 127.0.0.1:{inherited}", tcplb.Output, StringComparison.Ordinal);
        Assert.Contains($"Closing socket 4 (spare) passed by systemd: 127.0.0.1:{unmatched} is no configured listener", tcplb.Output, StringComparison.Ordinal);
        await EchoClient.AssertWholeConnectionAsync(inherited, 1000, cancellationToken);
        await EchoClient.AssertWholeConnectionAsync(bound, 1000, cancellationToken);

        // Nobody else holds the unmatched socket: once tcplb closed it, its port refuses.
        SocketException refused = await Assert.ThrowsAsync<SocketException>(() => Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, unmatched), cancellationToken));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal(2, backend.V1Connections);
    }
}
