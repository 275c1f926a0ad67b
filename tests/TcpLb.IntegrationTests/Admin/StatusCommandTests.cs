using System.Net;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Admin;

/// <summary><c>tcplb status</c> against a real <c>tcplb run</c> process, and against nothing.</summary>
public sealed class StatusCommandTests
{
    [Fact]
    public async Task Status_prints_each_backend_with_its_state_read_from_a_running_tcplb()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var alive = new TestBackend();
        using var refusing = new RefusingPort();
        IPEndPoint dead = refusing.EndPoint;
        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = Tcplb.Start(
        [
            "run", "--listen", $"127.0.0.1:{port}", "--backend", alive.EndPoint.ToString(), "--backend", $"{dead},weight=5",
            "--health-check", "tcp", "--health-interval", "200ms", "--health-fall", "1", .. Tcplb.AnyAdminPort,
        ]);
        Uri admin = await Tcplb.WaitForAdminAsync(tcplb, cancellationToken);
        using var http = new HttpClient();
        await TcpLbUnderTest.WaitUntilAsync(
            () => http.GetStringAsync(new Uri(admin, "/status"), cancellationToken).GetAwaiter().GetResult().Contains("\"down\"", StringComparison.Ordinal),
            "the dead backend is reported down",
            cancellationToken);

        (int exitCode, string output, string error) = await Tcplb.RunToEndAsync(["status", "--admin", $"127.0.0.1:{admin.Port}"], cancellationToken);

        Assert.True(exitCode == 0, error);
        string[] lines = output.Split('\n');
        Assert.StartsWith("ready: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, line => line.StartsWith($"listener 127.0.0.1:{port}  pool 127.0.0.1:{port}  policy least-connections", StringComparison.Ordinal));
        Assert.Matches($@"^  {System.Text.RegularExpressions.Regex.Escape(alive.EndPoint.ToString())} +up +0 +- +1  primary$", Assert.Single(lines, line => line.Contains(alive.EndPoint.ToString(), StringComparison.Ordinal)));
        Assert.Matches($@"^  {System.Text.RegularExpressions.Regex.Escape(dead.ToString())} +down +0 +- +5  primary$", Assert.Single(lines, line => line.Contains(dead.ToString(), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Status_with_nothing_answering_exits_1_naming_the_address()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        int nobody = LoopbackPorts.Free();

        (int exitCode, string output, string error) = await Tcplb.RunToEndAsync(["status", "--admin", $"127.0.0.1:{nobody}"], deadline.Token);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.StartsWith($"tcplb: no tcplb status at http://127.0.0.1:{nobody}/status: ", error, StringComparison.Ordinal);
        Assert.Contains("--admin", error, StringComparison.Ordinal);
    }
}
