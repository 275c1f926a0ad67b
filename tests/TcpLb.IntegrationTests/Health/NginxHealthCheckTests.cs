using System.Net;
using TcpLb.Configuration;
using TcpLb.Health;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Health;

/// <summary>
/// The probes against a real nginx listening with <c>proxy_protocol</c>, as a Deis router does: only a check that
/// opens with a PROXY header gets an answer (rule 25), and a plain check port needs none.
/// </summary>
public sealed class NginxHealthCheckTests
{
    private static readonly HealthCheckOptions s_http = new() { Kind = HealthCheckKind.Http, Timeout = TimeSpan.FromSeconds(2) };

    [Theory]
    [InlineData("V1")]
    [InlineData("V2")]
    public async Task Http_probe_with_a_PROXY_header_is_healthy_on_an_nginx_proxy_protocol_listener(string mode)
    {
        ProxySendMode sendProxy = Enum.Parse<ProxySendMode>(mode);
        using CancellationTokenSource deadline = TestDeadline.Start();
        (PeerProcess nginx, IPEndPoint proxyProtocol, _) = await StartNginxAsync(deadline.Token);
        using (nginx)
        {
            var probe = new HttpProbe(s_http, sendProxy, TimeProvider.System);

            HealthProbeResult result = await probe.ProbeAsync(ProbeTargets.At(proxyProtocol), deadline.Token);

            Assert.Equal(HealthProbeResult.Pass("HTTP 200"), result);
            Assert.DoesNotContain("broken header", ErrorLog(nginx), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Http_probe_without_a_PROXY_header_is_unhealthy_on_an_nginx_proxy_protocol_listener()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        (PeerProcess nginx, IPEndPoint proxyProtocol, _) = await StartNginxAsync(deadline.Token);
        using (nginx)
        {
            var probe = new HttpProbe(s_http, ProxySendMode.Off, TimeProvider.System);

            HealthProbeResult result = await probe.ProbeAsync(ProbeTargets.At(proxyProtocol), deadline.Token);

            Assert.False(result.Healthy, result.Reason);
            await TcpLbUnderTest.WaitUntilAsync(() => ErrorLog(nginx).Contains("broken header", StringComparison.Ordinal), "nginx logged a broken header", deadline.Token);
        }
    }

    [Fact]
    public async Task Http_probe_on_a_plain_check_port_is_healthy_although_the_pool_sends_v2()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        (PeerProcess nginx, IPEndPoint proxyProtocol, IPEndPoint plain) = await StartNginxAsync(deadline.Token);
        using (nginx)
        {
            var probe = new HttpProbe(s_http with { Port = plain.Port }, ProxySendMode.V2, TimeProvider.System);

            HealthProbeResult result = await probe.ProbeAsync(ProbeTargets.At(proxyProtocol), deadline.Token);

            Assert.Equal(HealthProbeResult.Pass("HTTP 200"), result);
        }
    }

    [Fact]
    public async Task Tcp_probe_with_a_v2_LOCAL_header_leaves_nginx_nothing_to_complain_about()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        (PeerProcess nginx, IPEndPoint proxyProtocol, _) = await StartNginxAsync(deadline.Token);
        using (nginx)
        {
            var probe = new TcpConnectProbe(new HealthCheckOptions { Kind = HealthCheckKind.Tcp }, ProxySendMode.V2, TimeProvider.System);

            HealthProbeResult result = await probe.ProbeAsync(ProbeTargets.At(proxyProtocol), deadline.Token);

            Assert.True(result.Healthy, result.Reason);
            Assert.DoesNotContain("broken header", ErrorLog(nginx), StringComparison.Ordinal);
        }
    }

    /// <summary>One nginx with the health path on a <c>proxy_protocol</c> port and on a plain port (which readiness waits on).</summary>
    private static async Task<(PeerProcess Nginx, IPEndPoint ProxyProtocol, IPEndPoint Plain)> StartNginxAsync(CancellationToken cancellationToken)
    {
        PeerProcess.Require("nginx");
        int proxyProtocolPort = LoopbackPorts.Free();
        int plainPort = LoopbackPorts.Free();
        PeerProcess nginx = await Nginx.StartAsync(
            $$"""
              server {
                listen 127.0.0.1:{{proxyProtocolPort}} proxy_protocol;
                location = /healthz { return 200 "ok"; }
              }
              server {
                listen 127.0.0.1:{{plainPort}};
                location = /healthz { return 200 "ok"; }
              }
            """,
            plainPort,
            cancellationToken);
        return (nginx, new IPEndPoint(IPAddress.Loopback, proxyProtocolPort), new IPEndPoint(IPAddress.Loopback, plainPort));
    }

    private static string ErrorLog(PeerProcess nginx)
    {
        string path = Path.Combine(nginx.Directory, "error.log");
        return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
    }
}
