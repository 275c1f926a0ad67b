using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Cli;

/// <summary>The command line is a contract: names, and a one-line error naming the flag and value with exit code 2.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData(new[] { "run", "--listen", "127.0.0.1", "--backend", "127.0.0.1:80" }, "--listen: '127.0.0.1' is not host:port")]
    [InlineData(new[] { "run", "--listen", "nowhere:80", "--backend", "127.0.0.1:80" }, "--listen: 'nowhere' is not an IP address")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:99999" }, "--backend: '99999' is not a port")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:80", "--send-proxy", "v3" }, "--send-proxy: 'v3' is not one of v1, v2, off")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:80", "--accept-proxy-from", "10.0.0.1/8" }, "--accept-proxy-from: '10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:80", "--connect-timeout", "5" }, "--connect-timeout: '5' needs a unit")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:80", "--allow-direct" }, "--allow-direct: only meaningful with --accept-proxy-from")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080" }, "--backend")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:80", "--balance", "fastest" }, "--balance: 'fastest' is not one of")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:80,weight=0" }, "--backend: 'weight=0' is not a backend setting")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:80", "--health-check", "icmp" }, "--health-check: 'icmp' is not one of none, tcp, http")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:80", "--health-fall", "0" }, "--health-fall: '0' must be at least 1")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--dns", "10.0.0.1:80" }, "--dns: '10.0.0.1:80' is an address, not a name to resolve")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--dns", "router.local:80", "--dns-srv", "_http._tcp.router" }, "--dns-srv: give either --dns or --dns-srv")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:80", "--retries", "-1" }, "--retries: '-1' must be 0 or more")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:80", "--tcp-keepalive", "1500ms" }, "--tcp-keepalive: '1500ms' is not a whole number of seconds")]
    public async Task A_bad_flag_or_value_gets_one_line_naming_it_and_exit_code_2(string[] arguments, string expected)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(10));
        (int exitCode, _, string error) = await Tcplb.RunToEndAsync(arguments, deadline.Token);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.All(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("tcplb: ", line, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--backend", "127.0.0.1:80", "--send-prxy", "v2" }, "tcplb: unknown flag '--send-prxy'; did you mean --send-proxy?")]
    [InlineData(new[] { "rn", "--listen", "127.0.0.1:8080" }, "tcplb: unknown command 'rn'; did you mean run?")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:8080", "--frobnicate" }, "tcplb: unknown flag '--frobnicate' (see tcplb run --help)")]
    public async Task A_mistyped_flag_or_command_is_one_line_naming_the_nearest_known_one(string[] arguments, string expected)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(10));
        (int exitCode, _, string error) = await Tcplb.RunToEndAsync(arguments, deadline.Token);

        Assert.Equal(2, exitCode);
        Assert.Equal(expected + "\n", error);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("demo")]
    public async Task A_taken_listen_address_is_one_line_naming_it_and_nothing_before_it(string command)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(20));
        using var taken = new TestBackend(); // holds a port on 127.0.0.1
        string[] arguments = command == "run"
            ? ["run", "--listen", taken.EndPoint.ToString(), "--backend", "127.0.0.1:80", .. Tcplb.NoAdmin]
            : ["demo", "--listen", taken.EndPoint.ToString(), .. Tcplb.NoAdmin];

        (int exitCode, string output, string error) = await Tcplb.RunToEndAsync(arguments, deadline.Token);

        Assert.Equal(1, exitCode);
        Assert.Empty(output); // no "Stopped accepting; draining 0 connections", no demo "Try:" block for a demo that never ran
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"tcplb: cannot listen on {taken.EndPoint}: Address already in use", line, StringComparison.Ordinal);
        if (command == "demo")
        {
            Assert.Contains("tcplb demo --listen 127.0.0.1:", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_lists_the_commands_and_version_prints_one()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        (int helpExit, string help, _) = await Tcplb.RunToEndAsync(["--help"], deadline.Token);
        (int versionExit, string version, _) = await Tcplb.RunToEndAsync(["--version"], deadline.Token);

        Assert.Equal(0, helpExit);
        Assert.Contains("run", help, StringComparison.Ordinal);
        Assert.Contains("demo", help, StringComparison.Ordinal);
        Assert.Equal(0, versionExit);
        Assert.Matches(@"^\d+\.\d+\.\d+", version);
    }

    [Fact]
    public async Task Run_help_names_every_contract_flag()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        (_, string help, _) = await Tcplb.RunToEndAsync(["run", "--help"], deadline.Token);
        foreach (string flag in new[] { "--listen", "--backend", "--send-proxy", "--accept-proxy-from", "--allow-direct", "--balance", "--health-check", "--dns" })
        {
            Assert.Contains(flag, help, StringComparison.Ordinal);
        }
    }

    /// <summary>A backend of dotted digits that is no IPv4 address (10.0.0.300) is a config error, not a DNS name.</summary>
    [Fact]
    public async Task A_backend_that_looks_like_an_IPv4_address_but_is_not_one_is_refused_with_exit_code_2()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        (int exitCode, _, string error) = await Tcplb.RunToEndAsync(
            ["run", .. Tcplb.NoAdmin, "--listen", "127.0.0.1:0", "--backend", "10.0.0.300:80"], deadline.Token);

        Assert.Equal(2, exitCode);
        Assert.Contains("--backend: '10.0.0.300' looks like an IPv4 address but is not one", error, StringComparison.Ordinal);
    }
}
