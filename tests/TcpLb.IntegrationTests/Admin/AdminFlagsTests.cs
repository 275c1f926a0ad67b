using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Admin;

/// <summary>The admin and log flags of <c>tcplb run</c> on the real program: bad values, and a taken admin port.</summary>
public sealed class AdminFlagsTests
{
    [Theory]
    [InlineData("--admin-listen", "nowhere", "--admin-listen: 'nowhere' is not host:port")]
    [InlineData("--admin-listen", "localhost:8411", "--admin-listen: 'localhost' is not an IP address")]
    [InlineData("--log-format", "xml", "--log-format: 'xml' is not one of plain, json")]
    [InlineData("--access-log", "maybe", "--access-log: 'maybe' is not one of on, off")]
    public async Task A_bad_value_is_refused_with_exit_code_2_naming_the_flag(string flag, string value, string expected)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();

        (int exitCode, _, string error) = await Tcplb.RunToEndAsync(["run", "--listen", "127.0.0.1:0", "--backend", "127.0.0.1:1", flag, value], deadline.Token);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"tcplb: {expected}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_admin_port_stops_run_with_exit_code_1_naming_the_address()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        using var taken = new TestBackend();
        int port = LoopbackPorts.Free();

        (int exitCode, string output, string error) = await Tcplb.RunToEndAsync(
            ["run", "--listen", $"127.0.0.1:{port}", "--backend", "127.0.0.1:1", "--admin-listen", taken.EndPoint.ToString()], deadline.Token);

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"tcplb: cannot listen on admin address {taken.EndPoint}: Address already in use", error, StringComparison.Ordinal);
        Assert.Contains("admin.listen in the config file or --admin-listen ADDR:PORT", error, StringComparison.Ordinal); // the setting that moves it
        Assert.DoesNotContain($"Listening on 127.0.0.1:{port}", output, StringComparison.Ordinal); // it never accepted a connection
    }
}
