using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Configuration;
using TcpLb.Health;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Health;

/// <summary>The HTTP probe against real loopback servers written here: the request it sends and how it judges answers.</summary>
public sealed class HttpProbeTests
{
    private static readonly HealthCheckOptions s_http = new() { Kind = HealthCheckKind.Http, Timeout = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task The_probe_sends_a_GET_of_the_path_with_Host_Connection_close_and_its_User_Agent_and_200_is_healthy()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var server = new TestBackend();
        var probe = new HttpProbe(s_http with { HttpPath = "/healthz?full=1" }, ProxySendMode.Off, TimeProvider.System);

        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(server.EndPoint), deadline.Token);
        string request = await AnswerAsync(server, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", deadline.Token);

        Assert.Equal(
            "GET /healthz?full=1 HTTP/1.1\r\n" +
            $"Host: 127.0.0.1:{server.EndPoint.Port}\r\n" +
            "Connection: close\r\n" +
            "User-Agent: tcplb-check\r\n" +
            "\r\n",
            request);
        Assert.Equal(HealthProbeResult.Pass("HTTP 200"), await probing.WaitAsync(deadline.Token));
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(204, true)]
    [InlineData(302, true)]
    [InlineData(399, true)]
    [InlineData(199, false)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(503, false)]
    public async Task The_status_passes_within_the_expected_range_inclusive(int status, bool healthy)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var server = new TestBackend();
        var probe = new HttpProbe(s_http, ProxySendMode.Off, TimeProvider.System);

        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(server.EndPoint), deadline.Token);
        await AnswerAsync(server, $"HTTP/1.1 {status} Whatever\r\nContent-Length: 0\r\n\r\n", deadline.Token);

        Assert.Equal(new HealthProbeResult(healthy, $"HTTP {status}"), await probing.WaitAsync(deadline.Token));
    }

    [Fact]
    public async Task A_narrower_expected_range_is_honoured()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var server = new TestBackend();
        var probe = new HttpProbe(s_http with { ExpectStatusMin = 200, ExpectStatusMax = 200 }, ProxySendMode.Off, TimeProvider.System);

        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(server.EndPoint), deadline.Token);
        await AnswerAsync(server, "HTTP/1.1 204 No Content\r\n\r\n", deadline.Token);

        Assert.Equal(HealthProbeResult.Fail("HTTP 204"), await probing.WaitAsync(deadline.Token));
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n", "not an HTTP status line")]
    [InlineData("", "closed without a response")]
    [InlineData("HTTP/1.1 20", "closed within the status line")]
    public async Task Anything_but_a_status_line_is_unhealthy(string answer, string reason)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var server = new TestBackend();
        var probe = new HttpProbe(s_http, ProxySendMode.Off, TimeProvider.System);

        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(server.EndPoint), deadline.Token);
        await AnswerAsync(server, answer, deadline.Token);

        Assert.Equal(HealthProbeResult.Fail(reason), await probing.WaitAsync(deadline.Token));
    }

    [Fact]
    public async Task A_status_line_longer_than_4_KiB_is_unhealthy()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var server = new TestBackend();
        var probe = new HttpProbe(s_http, ProxySendMode.Off, TimeProvider.System);

        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(server.EndPoint), deadline.Token);
        using Socket connection = await server.AcceptAsync(deadline.Token);
        await ProbeTargets.ReadRequestHeadAsync(connection, deadline.Token);
        await connection.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 " + new string('x', HttpProbe.StatusLineLimit)), SocketFlags.None, deadline.Token);

        Assert.Equal(HealthProbeResult.Fail("no status line in the first 4096 bytes"), await probing.WaitAsync(deadline.Token));
    }

    [Fact]
    public async Task A_reset_instead_of_an_answer_is_unhealthy()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var server = new TestBackend();
        var probe = new HttpProbe(s_http, ProxySendMode.Off, TimeProvider.System);

        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(server.EndPoint), deadline.Token);
        Socket connection = await server.AcceptAsync(deadline.Token);
        await ProbeTargets.ReadRequestHeadAsync(connection, deadline.Token);
        Net.Reset(connection);

        Assert.Equal(HealthProbeResult.Fail("reset by the backend"), await probing.WaitAsync(deadline.Token));
    }

    [Fact]
    public async Task A_closed_port_is_unhealthy_with_connect_refused()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        var probe = new HttpProbe(s_http, ProxySendMode.V2, TimeProvider.System);

        HealthProbeResult result = await probe.ProbeAsync(ProbeTargets.At(ProbeTargets.ClosedPort()), deadline.Token);

        Assert.Equal(HealthProbeResult.Fail("connect refused"), result);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_unhealthy_when_the_check_timeout_fires()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        var time = new FakeTimeProvider();
        using var server = new TestBackend();
        var probe = new HttpProbe(s_http, ProxySendMode.Off, time);

        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(server.EndPoint), deadline.Token);
        using Socket connection = await server.AcceptAsync(deadline.Token);
        await ProbeTargets.ReadRequestHeadAsync(connection, deadline.Token); // the probe now waits for the status line
        time.Advance(s_http.Timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(probing.IsCompleted, "the probe gave up before its timeout");

        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(HealthProbeResult.Fail("no status line after 1 s"), await probing.WaitAsync(deadline.Token));
    }

    [Theory]
    [InlineData("V2", "0D0A0D0A000D0A515549540A" + "20" + "00" + "0000")]
    [InlineData("V1", "50524F585920554E4B4E4F574E0D0A")] // PROXY UNKNOWN\r\n
    public async Task The_LOCAL_header_goes_first_in_the_same_send_as_the_request(string mode, string headerHex)
    {
        ProxySendMode sendProxy = Enum.Parse<ProxySendMode>(mode);
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var server = new TestBackend();
        var probe = new HttpProbe(s_http, sendProxy, TimeProvider.System);

        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(server.EndPoint), deadline.Token);
        using Socket connection = await server.AcceptAsync(deadline.Token);
        byte[] received = await ProbeTargets.ReadRequestHeadAsync(connection, deadline.Token);
        await connection.SendAsync("HTTP/1.1 200 OK\r\n\r\n"u8.ToArray(), SocketFlags.None, deadline.Token);
        connection.Shutdown(SocketShutdown.Send);

        byte[] header = Convert.FromHexString(headerHex);
        Assert.Equal(header, received[..header.Length]);
        Assert.StartsWith("GET /healthz HTTP/1.1\r\n", Encoding.ASCII.GetString(received[header.Length..]), StringComparison.Ordinal);
        Assert.True((await probing.WaitAsync(deadline.Token)).Healthy);
    }

    [Fact]
    public async Task A_check_on_another_port_sends_no_header_and_names_that_port_in_Host()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var healthz = new TestBackend();
        var probe = new HttpProbe(s_http with { Port = healthz.EndPoint.Port }, ProxySendMode.V2, TimeProvider.System);

        Task<HealthProbeResult> probing = probe.ProbeAsync(ProbeTargets.At(ProbeTargets.ClosedPort()), deadline.Token);
        string request = await AnswerAsync(healthz, "HTTP/1.1 200 OK\r\n\r\n", deadline.Token);

        Assert.StartsWith($"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{healthz.EndPoint.Port}\r\n", request, StringComparison.Ordinal);
        Assert.True((await probing.WaitAsync(deadline.Token)).Healthy);
    }

    /// <summary>Accepts the probe, reads its request head, answers <paramref name="response"/> and closes with FIN; returns the request.</summary>
    private static async Task<string> AnswerAsync(TestBackend server, string response, CancellationToken cancellationToken)
    {
        using Socket connection = await server.AcceptAsync(cancellationToken);
        byte[] request = await ProbeTargets.ReadRequestHeadAsync(connection, cancellationToken);
        if (response.Length > 0)
        {
            await connection.SendAsync(Encoding.ASCII.GetBytes(response), SocketFlags.None, cancellationToken);
        }

        connection.Shutdown(SocketShutdown.Send);
        await Net.ReadToEndAsync(connection, cancellationToken); // the probe's FIN: it closed gracefully
        return Encoding.ASCII.GetString(request);
    }
}
