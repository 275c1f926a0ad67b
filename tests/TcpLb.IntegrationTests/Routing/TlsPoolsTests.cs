using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using TcpLb.ProxyProtocol.Tests.Interop;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Routing;

/// <summary>
/// The issue's TLS proof with the real programs: <c>openssl s_client -servername</c>, <c>curl --resolve</c> over https and
/// .NET's <c>SslStream</c> connect to a real <c>tcplb</c> (routes by SNI from a config file) in front of two nginx pools
/// that terminate TLS behind <c>proxy_protocol</c>, each with a certificate of its own. Each SNI reaches its pool (its
/// certificate verifies, its answer names it), the handshake completes end to end through TcpLb, which never
/// terminates TLS, and nginx sees the real client: the address and port TcpLb accepted, not TcpLb's own.
/// </summary>
public sealed partial class TlsPoolsTests : IDisposable
{
    private readonly string _directory = PeerProcess.NewDirectory("tls-pools");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory, BothEngines]
    public async Task Each_SNI_reaches_its_nginx_pool_the_handshake_completes_and_nginx_sees_the_client(Engine engine)
    {
        PeerProcess.Require("nginx");
        string openssl = PeerProcess.Require("openssl");
        string curl = PeerProcess.Require("curl");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromMinutes(1));
        CancellationToken cancellationToken = deadline.Token;
        using var wsCertificate = SelfSignedCertificate.Create("ws.example.com");
        using var webCertificate = SelfSignedCertificate.Create("www.example.com", "*.example.com");
        using TlsRouter ws = await TlsRouter.StartAsync("ws", wsCertificate, cancellationToken);
        using TlsRouter web = await TlsRouter.StartAsync("web", webCertificate, cancellationToken);

        // maxHeaderLength 108: nginx 1.22's limit for "ssl proxy_protocol"; a bare v2 header (28 bytes for IPv4) fits.
        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = await ConfiguredTcplb.StartAsync(_directory, $$"""
            pools:
              ws:  {backends: ["{{ws.EndPoint}}"], maxHeaderLength: 108}
              web: {backends: ["{{web.EndPoint}}"], maxHeaderLength: 108}
            listeners:
              - listen: ["127.0.0.1:{{port}}"]
                sendProxy: v2
                routes:
                  - {match: {sni: ws.example.com}, pool: ws}
                  - {match: {sni: "*.example.com"}, pool: web}
                defaultPool: web
            """, port, engine, cancellationToken);

        // openssl s_client: the ws certificate verifies, and ws answers; nginx's client is the one TcpLb logged.
        using PeerProcess sClient = PeerProcess.Start(
            openssl,
            ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "ws.example.com", "-CAfile", wsCertificate.PemPath, "-verify_return_error", "-brief", "-crlf", "-ign_eof"],
            PeerProcess.NewDirectory("openssl"),
            redirectInput: true);
        foreach (string line in (string[])["GET / HTTP/1.1", "Host: ws.example.com", "Connection: close", string.Empty])
        {
            sClient.WriteLine(line);
        }

        Assert.True(await sClient.WaitForExitAsync(cancellationToken) == 0, $"s_client failed:\n{sClient.Output}\nws nginx:\n{ws.ErrorLog}\ntcplb:\n{tcplb.Output}");
        Assert.Contains("Verification: OK", sClient.Lines);
        Match sClientAnswer = Answer().Match(sClient.Output);
        Assert.True(sClientAnswer.Success, sClient.Output);
        Assert.Equal(("ws", "ws.example.com", "127.0.0.1", "127.0.0.1"), Fields(sClientAnswer));
        string clientPort = sClientAnswer.Groups["port"].Value;
        await tcplb.WaitForLineAsync(line => line.Contains($"client=127.0.0.1:{clientPort} ", StringComparison.Ordinal) && line.Contains(" pool=ws ", StringComparison.Ordinal), cancellationToken);

        // curl over https from 127.0.0.2: a name under *.example.com goes to web, whose wildcard certificate verifies.
        using PeerProcess curlClient = PeerProcess.Start(
            curl,
            ["-sS", "--resolve", $"www.example.com:{port}:127.0.0.1", "--cacert", webCertificate.PemPath, "--interface", "127.0.0.2", $"https://www.example.com:{port}/"],
            PeerProcess.NewDirectory("curl"));
        Assert.True(await curlClient.WaitForExitAsync(cancellationToken) == 0, $"curl failed:\n{curlClient.Output}\nweb nginx:\n{web.ErrorLog}");
        Match curlAnswer = Answer().Match(curlClient.Output);
        Assert.True(curlAnswer.Success, curlClient.Output);
        Assert.Equal(("web", "www.example.com", "127.0.0.2", "127.0.0.1"), Fields(curlAnswer));

        // SslStream from 127.0.0.2: the ws pool's certificate (by thumbprint), and nginx saw exactly this socket.
        using (Socket socket = await Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken, from: Net.SecondLoopback))
        {
            string answer = await RequestOverTlsAsync(socket, "ws.example.com", wsCertificate.Thumbprint, cancellationToken);
            Assert.Contains($"pool=ws sni=ws.example.com client={socket.LocalEndPoint} via=127.0.0.1\n", answer, StringComparison.Ordinal);
        }

        Assert.Equal(0, await tcplb.StopAsync()); // every client has closed: nothing to drain
    }

    private static (string Pool, string Sni, string Client, string Via) Fields(Match answer) =>
        (answer.Groups["pool"].Value, answer.Groups["sni"].Value, answer.Groups["client"].Value, answer.Groups["via"].Value);

    /// <summary>A TLS handshake over <paramref name="socket"/> trusting only <paramref name="thumbprint"/>, then one GET read to the end.</summary>
    internal static async Task<string> RequestOverTlsAsync(Socket socket, string serverName, string thumbprint, CancellationToken cancellationToken)
    {
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint,
            },
            cancellationToken);
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {serverName}\r\nConnection: close\r\n\r\n"), cancellationToken);
        using var reader = new StreamReader(tls, Encoding.ASCII);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    [GeneratedRegex(@"pool=(?<pool>\w+) sni=(?<sni>\S+) client=(?<client>[0-9.]+):(?<port>\d+) via=(?<via>[0-9.]+)")]
    private static partial Regex Answer();
}
