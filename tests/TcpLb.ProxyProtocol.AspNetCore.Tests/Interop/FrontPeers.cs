using System.Net;
using TcpLb.Testing;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Interop;

/// <summary>
/// The balancers a real deployment puts in front of Kestrel, each started for one test on 127.0.0.1:<c>port</c>
/// and pointed at the app: HAProxy, nginx's stream proxy, and TcpLb itself (the tcplb built next to the tests).
/// </summary>
internal static class FrontPeers
{
    public static Task<PeerProcess> HaproxyAsync(IPEndPoint app, int port, string serverOptions, CancellationToken cancellationToken, string bindOptions = "") =>
        Haproxy.StartAsync($"""
            listen front
              bind 127.0.0.1:{port}{bindOptions}
              unique-id-format %{"{+X}"}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid
              server app {app} {serverOptions}
            """, cancellationToken);

    public static Task<PeerProcess> NginxStreamAsync(IPEndPoint app, int port, CancellationToken cancellationToken) =>
        Nginx.StartAsync(
            httpBlock: string.Empty,
            port,
            cancellationToken,
            streamBlock: $$"""
              server {
                listen 127.0.0.1:{{port}};
                proxy_pass {{app}};
                proxy_protocol on;
              }
            """);

    /// <summary><c>tcplb run</c> as a process, with the admin endpoint off (tests run in parallel).</summary>
    /// <remarks>Waited on through its own line, not a probe connection: a probe would reach the app as a connection of its own.</remarks>
    public static Task<PeerProcess> TcpLbAsync(IPEndPoint app, int port, IEnumerable<string> flags, CancellationToken cancellationToken) =>
        Tcplb.StartListeningAsync(["run", "--listen", $"127.0.0.1:{port}", "--backend", app.ToString(), .. Tcplb.NoAdmin, .. flags], port, cancellationToken);
}
