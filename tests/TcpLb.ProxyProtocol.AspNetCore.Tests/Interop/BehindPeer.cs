using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using TcpLb.ProxyProtocol.AspNetCore.Tests.Support;
using TcpLb.ProxyProtocol.Tests.Interop;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Interop;

/// <summary>How the client talks to the app through the balancer (which passes the bytes through, TLS included).</summary>
public enum AppProtocol
{
    Http1,
    Http2OverTls,
    WebSocket,
}

/// <summary>
/// One scenario of the interop tests: a Kestrel app with <c>UseProxyProtocol</c> trusting 127.0.0.1, a balancer
/// started in front of it, and a client on 127.0.0.2 speaking <see cref="AppProtocol"/> through the balancer. The
/// result is what the app saw, and the client's own endpoint to compare with.
/// </summary>
internal static class BehindPeer
{
    public delegate Task<PeerProcess> StartPeer(IPEndPoint app, int port, CancellationToken cancellationToken);

    public static async Task<(Dictionary<string, string> Seen, IPEndPoint Client)> RequestAsync(
        AppProtocol protocol, StartPeer startPeer, Action<ProxyProtocolOptions>? configure = null)
    {
        using CancellationTokenSource deadline = Deadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using SelfSignedCertificate? certificate = protocol == AppProtocol.Http2OverTls ? SelfSignedCertificate.Create("app.test") : null;
        using X509Certificate2? serverCertificate = certificate is null ? null : X509Certificate2.CreateFromPemFile(certificate.PemPath);
        await using KestrelApp app = await KestrelApp.StartAsync(
            endpoint =>
            {
                endpoint.Protocols = HttpProtocols.Http1AndHttp2;
                endpoint.UseProxyProtocol(options =>
                {
                    options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.1/32")); // the balancer; the client (127.0.0.2) is not trusted
                    configure?.Invoke(options);
                });
                if (serverCertificate is not null)
                {
                    endpoint.UseHttps(serverCertificate);
                }
            },
            cancellationToken);

        int port = LoopbackPorts.Free();
        using PeerProcess peer = await startPeer(app.EndPoint, port, cancellationToken);
        var connections = new List<IPEndPoint>();
        using var handler = HttpClients.Handler(connections, from: Wire.SecondLoopback, trustedThumbprint: certificate?.Thumbprint);
        try
        {
            Dictionary<string, string> seen = protocol switch
            {
                AppProtocol.Http1 => await HttpClients.GetWhoAmIAsync(handler, new Uri($"http://127.0.0.1:{port}/"), HttpVersion.Version11, cancellationToken),
                AppProtocol.Http2OverTls => await HttpClients.GetWhoAmIAsync(handler, new Uri($"https://app.test:{port}/"), HttpVersion.Version20, cancellationToken),
                _ => await HttpClients.WebSocketWhoAmIAsync(handler, new Uri($"ws://127.0.0.1:{port}/ws"), cancellationToken),
            };
            Assert.Equal(protocol == AppProtocol.Http2OverTls ? "HTTP/2" : "HTTP/1.1", seen["protocol"]);
            Assert.Empty(app.ProxyProtocolLogs);
            return (seen, Assert.Single(connections));
        }
        catch (Exception exception) when (exception is not Xunit.Sdk.IAssertionException)
        {
            throw new InvalidOperationException($"through the peer failed; it printed:\n{peer.Output}\nthe app logged:\n{string.Join("\n", app.Logs.GetSnapshot().Select(line => line.Message))}", exception);
        }
    }
}
