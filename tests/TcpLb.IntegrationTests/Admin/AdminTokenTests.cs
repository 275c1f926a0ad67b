using System.Net;
using System.Net.Http.Headers;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Admin;

/// <summary>
/// The admin token on the real program: <c>tcplb run</c> refuses a non-loopback admin address without one, serves only
/// its holder with one, and <c>tcplb status</c> sends it (from <c>--admin-token-file</c> or <c>TCPLB_ADMIN_TOKEN</c>).
/// </summary>
public sealed class AdminTokenTests : IDisposable
{
    private const string Token = "c0ffee00c0ffee00c0ffee00c0ffee00";

    private readonly string _directory = Directory.CreateTempSubdirectory("tcplb-admin-token-").FullName;

    private string TokenFile => Path.Combine(_directory, "token");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Run_with_the_admin_endpoint_on_every_address_and_no_token_exits_1_naming_the_settings()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        int port = LoopbackPorts.Free();

        (int exitCode, string output, string error) = await Tcplb.RunToEndAsync(
            ["run", "--listen", $"127.0.0.1:{port}", "--backend", "127.0.0.1:1", "--admin-listen", "0.0.0.0:0"], deadline.Token);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("tcplb: the admin endpoint on 0.0.0.0:0 would be open to the network without a token: ", error, StringComparison.Ordinal);
        Assert.Contains("--admin-token-file PATH", error, StringComparison.Ordinal);
        Assert.DoesNotContain($"Listening on 127.0.0.1:{port}", output, StringComparison.Ordinal); // it never accepted a connection
    }

    [Fact]
    public async Task Run_with_a_token_file_serves_only_its_holder_and_status_sends_the_token_from_a_file_or_the_environment()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(90));
        CancellationToken cancellationToken = deadline.Token;
        await File.WriteAllTextAsync(TokenFile, Token + "\n", cancellationToken);
        using var backend = new TestBackend();
        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = Tcplb.Start(
            ["run", "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString(), "--admin-listen", "0.0.0.0:0", "--admin-token-file", TokenFile]);
        Uri announced = await Tcplb.WaitForAdminAsync(tcplb, cancellationToken);
        await Tcplb.WaitForListeningAsync(tcplb, port, cancellationToken);
        string admin = $"127.0.0.1:{announced.Port}";
        Assert.Contains("a bearer token required on every path but /healthz", tcplb.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, tcplb.Output, StringComparison.Ordinal);

        using var anonymous = new HttpClient();
        using var holder = new HttpClient { DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };
        using (HttpResponseMessage refused = await anonymous.GetAsync(new Uri($"http://{admin}/metrics"), cancellationToken))
        using (HttpResponseMessage served = await holder.GetAsync(new Uri($"http://{admin}/metrics"), cancellationToken))
        using (HttpResponseMessage healthz = await anonymous.GetAsync(new Uri($"http://{admin}/healthz"), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        }

        (int withoutCode, _, string withoutError) = await Tcplb.RunToEndAsync(["status", "--admin", admin], cancellationToken);
        (int fileCode, string fileOut, string fileError) = await Tcplb.RunToEndAsync(["status", "--admin", admin, "--admin-token-file", TokenFile], cancellationToken);
        (int variableCode, string variableOut, string variableError) = await Tcplb.RunToEndAsync(
            ["status", "--admin", admin, "--ready"], cancellationToken, new Dictionary<string, string> { ["TCPLB_ADMIN_TOKEN"] = Token });

        Assert.Equal(1, withoutCode);
        Assert.Equal($"tcplb: http://{admin}/status requires the admin token: pass --admin-token-file PATH or set TCPLB_ADMIN_TOKEN\n", withoutError);
        Assert.True(fileCode == 0, fileError);
        Assert.StartsWith("ready: ", fileOut, StringComparison.Ordinal);
        Assert.Contains(backend.EndPoint.ToString(), fileOut, StringComparison.Ordinal);
        Assert.True(variableCode == 0, variableError);
        Assert.Equal("ready: every listener is accepting and every pool has a healthy backend\n", variableOut);
    }

    [Fact]
    public async Task Status_ready_exits_1_saying_why_while_no_backend_is_healthy()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var refusing = new RefusingPort();
        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = Tcplb.Start(
        [
            "run", "--listen", $"127.0.0.1:{port}", "--backend", refusing.EndPoint.ToString(),
            "--health-check", "tcp", "--health-interval", "200ms", "--health-fall", "1", .. Tcplb.AnyAdminPort,
        ]);
        Uri admin = await Tcplb.WaitForAdminAsync(tcplb, cancellationToken);
        using var http = new HttpClient();
        await TcpLbUnderTest.WaitUntilAsync(
            () => http.GetAsync(new Uri(admin, "/ready"), cancellationToken).GetAwaiter().GetResult().StatusCode == HttpStatusCode.ServiceUnavailable,
            "the only backend is down",
            cancellationToken);

        (int exitCode, string output, _) = await Tcplb.RunToEndAsync(["status", "--admin", $"127.0.0.1:{admin.Port}", "--ready"], cancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Equal($"not ready: pool 127.0.0.1:{port} has no healthy backend\n", output);
    }
}
