using System.Net;
using System.Net.Sockets;
using TcpLb.IntegrationTests.Tlvs;
using TcpLb.ProxyProtocol.Tests.Interop;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Routing;

/// <summary>
/// The HAProxy proof: a TLS client (.NET <c>SslStream</c>, SNI www.example.com) through a real <c>tcplb</c> sending
/// PROXY v2 with <c>proxyTlvs: [authority, unique-id]</c> to HAProxy 2.6 (<c>mode tcp</c>, <c>accept-proxy</c>), which logs
/// <c>%[fc_pp_authority]</c> and <c>%[fc_pp_unique_id]</c> and passes the connection on to an nginx that terminates TLS
/// (<see cref="TlsRouter"/>): the handshake completes end to end, HAProxy's AUTHORITY is the SNI and its UNIQUE_ID is the
/// <c>id=</c> of the same connection in TcpLb's access log.
/// </summary>
public sealed class HaproxyReceiverTests : IDisposable
{
    private readonly string _directory = PeerProcess.NewDirectory("haproxy-receiver");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory, BothEngines]
    public async Task Haproxy_logs_the_SNI_as_AUTHORITY_and_the_access_log_id_as_UNIQUE_ID(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromMinutes(1));
        CancellationToken cancellationToken = deadline.Token;
        using var certificate = SelfSignedCertificate.Create("www.example.com");
        using TlsRouter nginx = await TlsRouter.StartAsync("web", certificate, cancellationToken);
        int haproxyPort = LoopbackPorts.Free();
        using PeerProcess haproxy = await Haproxy.StartAsync($$"""
            frontend router
              bind 127.0.0.1:{{haproxyPort}} accept-proxy
              log stdout format raw local0
              log-format "{{RouterHeaderLimitTests.HaproxyTlvFields}}"
              default_backend nginx
            backend nginx
              server nginx {{nginx.EndPoint}} send-proxy-v2
            """, cancellationToken);

        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = await ConfiguredTcplb.StartAsync(_directory, $$"""
            listeners:
              - listen: ["127.0.0.1:{{port}}"]
                backends: ["127.0.0.1:{{haproxyPort}}"]
                sendProxy: v2
                proxyTlvs: [authority, unique-id]
            """, port, engine, cancellationToken);

        string client;
        using (Socket socket = await Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken, from: Net.SecondLoopback))
        {
            client = socket.LocalEndPoint!.ToString()!;
            string answer = await TlsPoolsTests.RequestOverTlsAsync(socket, "www.example.com", certificate.Thumbprint, cancellationToken);
            // HAProxy took the client from TcpLb's header and passed it on in its own: nginx saw this socket.
            Assert.True(answer.EndsWith($"pool=web sni=www.example.com client={client} via=127.0.0.1\n", StringComparison.Ordinal), $"{answer}\nhaproxy:\n{haproxy.Output}\nnginx:\n{nginx.ErrorLog}");
        }

        string access = await tcplb.WaitForLineAsync(line => line.Contains($"client={client} ", StringComparison.Ordinal), cancellationToken);
        string id = access.Split(' ').Single(field => field.StartsWith("id=", StringComparison.Ordinal))["id=".Length..];
        Assert.Equal(33, id.Length);
        string logged = await haproxy.WaitForLineAsync(line => line.StartsWith("src=", StringComparison.Ordinal), cancellationToken);
        Assert.Equal($"src=127.0.0.2 authority=www.example.com unique-id={id}", logged);
    }
}
