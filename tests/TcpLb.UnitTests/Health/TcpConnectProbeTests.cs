using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Configuration;
using TcpLb.Health;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Health;

/// <summary>The TCP connect probe against real loopback listeners: verdicts, and the exact bytes it sends.</summary>
public sealed class TcpConnectProbeTests
{
    private static readonly HealthCheckOptions s_tcp = new() { Kind = HealthCheckKind.Tcp, Timeout = TimeSpan.FromSeconds(1) };

    /// <summary>The v2 LOCAL header (rules 9, 10, 25): 16 bytes, no address block.</summary>
    private static readonly byte[] s_v2Local = Convert.FromHexString(
        "0D0A0D0A000D0A515549540A" + // signature
        "20" +                       // version 2, command LOCAL
        "00" +                       // family UNSPEC, transport UNSPEC
        "0000");                     // address block length 0

    [Fact]
    public async Task A_listener_that_accepts_is_healthy()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var listener = new TestBackend();
        var probe = new TcpConnectProbe(s_tcp, ProxySendMode.Off, TimeProvider.System);

        HealthProbeResult result = await probe.ProbeAsync(ProbeTargets.At(listener.EndPoint), deadline.Token);

        Assert.Equal(HealthProbeResult.Pass("connected"), result);
    }

    [Fact]
    public async Task A_closed_port_is_unhealthy_with_connect_refused()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        var probe = new TcpConnectProbe(s_tcp, ProxySendMode.Off, TimeProvider.System);

        HealthProbeResult result = await probe.ProbeAsync(ProbeTargets.At(ProbeTargets.ClosedPort()), deadline.Token);

        Assert.Equal(HealthProbeResult.Fail("connect refused"), result);
    }

    [Theory]
    [InlineData("V2")]
    [InlineData("V1")]
    [InlineData("Off")]
    public async Task The_probe_sends_exactly_the_LOCAL_header_of_its_version_or_nothing_then_FIN(string mode)
    {
        ProxySendMode sendProxy = Enum.Parse<ProxySendMode>(mode);
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var listener = new TestBackend();
        var probe = new TcpConnectProbe(s_tcp, sendProxy, TimeProvider.System);

        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(listener.EndPoint), deadline.Token);
        using Socket server = await listener.AcceptAsync(deadline.Token);
        byte[] received = await Net.ReadToEndAsync(server, deadline.Token); // ends with FIN: a reset would throw

        Assert.True((await probing.WaitAsync(deadline.Token)).Healthy);
        byte[] expected = sendProxy switch
        {
            ProxySendMode.V2 => s_v2Local,
            ProxySendMode.V1 => "PROXY UNKNOWN\r\n"u8.ToArray(),
            _ => [],
        };
        Assert.Equal(expected, received);
    }

    [Fact]
    public async Task A_check_on_another_port_connects_there_and_sends_no_header()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var healthz = new TestBackend();
        var probe = new TcpConnectProbe(s_tcp with { Port = healthz.EndPoint.Port }, ProxySendMode.V2, TimeProvider.System);

        // The backend's own port is closed: a verdict of healthy proves the probe went to the check port.
        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(ProbeTargets.ClosedPort()), deadline.Token);
        using Socket server = await healthz.AcceptAsync(deadline.Token);
        byte[] received = await Net.ReadToEndAsync(server, deadline.Token);

        Assert.True((await probing.WaitAsync(deadline.Token)).Healthy);
        Assert.Empty(received);
    }

    [Fact]
    public async Task A_check_port_equal_to_the_backend_port_still_sends_the_header()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var listener = new TestBackend();
        var probe = new TcpConnectProbe(s_tcp with { Port = listener.EndPoint.Port }, ProxySendMode.V2, TimeProvider.System);

        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(listener.EndPoint), deadline.Token);
        using Socket server = await listener.AcceptAsync(deadline.Token);

        Assert.Equal(s_v2Local, await Net.ReadToEndAsync(server, deadline.Token));
        Assert.True((await probing.WaitAsync(deadline.Token)).Healthy);
    }

    [Fact]
    public async Task A_connect_that_hangs_fails_when_the_check_timeout_fires()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        var time = new FakeTimeProvider();
        using var blackhole = new TestBackend(backlog: 0);
        List<Socket> fillers = await Net.FillBacklogAsync(blackhole.EndPoint, deadline.Token);
        try
        {
            var probe = new TcpConnectProbe(s_tcp, ProxySendMode.Off, time);
            Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(blackhole.EndPoint), deadline.Token);

            time.Advance(s_tcp.Timeout - TimeSpan.FromMilliseconds(1));
            Assert.False(probing.IsCompleted, "the probe gave up before its timeout");
            time.Advance(TimeSpan.FromMilliseconds(1));

            Assert.Equal(HealthProbeResult.Fail("no connection after 1 s"), await probing.WaitAsync(deadline.Token));
        }
        finally
        {
            fillers.ForEach(socket => socket.Dispose());
        }
    }

    [Fact]
    public async Task The_caller_cancelling_throws_instead_of_giving_a_verdict()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var blackhole = new TestBackend(backlog: 0);
        List<Socket> fillers = await Net.FillBacklogAsync(blackhole.EndPoint, deadline.Token);
        try
        {
            using var stopping = new CancellationTokenSource();
            var probe = new TcpConnectProbe(s_tcp, ProxySendMode.Off, new FakeTimeProvider());
            Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(blackhole.EndPoint), stopping.Token);

            await stopping.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probing.WaitAsync(deadline.Token));
        }
        finally
        {
            fillers.ForEach(socket => socket.Dispose());
        }
    }
}
