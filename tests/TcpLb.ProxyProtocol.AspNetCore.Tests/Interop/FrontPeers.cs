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
    public static async Task<PeerProcess> TcpLbAsync(IPEndPoint app, int port, IEnumerable<string> flags, CancellationToken cancellationToken)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "tcplb.dll");
        PeerProcess tcplb = PeerProcess.Start(
            "dotnet",
            [dll, "run", "--listen", $"127.0.0.1:{port}", "--backend", app.ToString(), "--admin-listen", "off", .. flags],
            PeerProcess.NewDirectory("tcplb"));
        try
        {
            // Its own line, not a probe connection: a probe would reach the app as a connection of its own.
            for (int attempt = 0; attempt < 600 && !tcplb.Output.Contains($"Listening on 127.0.0.1:{port}", StringComparison.Ordinal); attempt++)
            {
                if (tcplb.HasExited)
                {
                    throw new InvalidOperationException($"tcplb exited before listening:\n{tcplb.Output}");
                }

                await Task.Delay(50, cancellationToken);
            }

            return tcplb.Output.Contains($"Listening on 127.0.0.1:{port}", StringComparison.Ordinal)
                ? tcplb
                : throw new TimeoutException($"tcplb did not listen on 127.0.0.1:{port} within 30 s:\n{tcplb.Output}");
        }
        catch
        {
            tcplb.Dispose();
            throw;
        }
    }
}
