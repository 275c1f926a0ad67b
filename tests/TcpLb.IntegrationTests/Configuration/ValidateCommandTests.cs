using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Configuration;

/// <summary>The real <c>tcplb</c>: <c>validate</c> like <c>nginx -t</c>, and <c>run</c> refusing a bad file, a mix of file and flags, or no settings at all.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tcplb-validate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Validate_prints_every_problem_with_its_path_and_exits_1()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        string path = Write("broken.yaml", "listeners:\n  - listen: \"127.0.0.1:8080\"\n    backends: [\"10.0.0.5:80\"]\n  - listen: \"127.0.0.1:8081\"\n    backends: [{address: x}]\n    sendProxy: v3\n");

        (int exitCode, string output, string error) = await Tcplb.RunToEndAsync(["validate", "--config", path], deadline.Token);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Equal(
            [
                $"{path}: listeners[1].backends[0].address: 'x' is not host:port (write IPv6 as [addr]:port)",
                $"{path}: listeners[1].sendProxy: 'v3' is not one of v1, v2, off",
                $"{path}: 2 problems",
            ],
            error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Validate_says_ok_in_one_line_and_exits_0()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        string path = Write("good.json", """{"listeners": [{"listen": ["127.0.0.1:8080"], "backends": ["10.0.0.5:80", "10.0.0.6:80"]}]}""");

        (int exitCode, string output, string error) = await Tcplb.RunToEndAsync(["validate", "--config", path], deadline.Token);

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        Assert.Equal($"{path}: ok: 1 listener, 2 backends\n", output);
    }

    [Fact]
    public async Task Validate_takes_the_file_as_its_argument_as_nginx_t_c_users_expect()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        string path = Write("good.yaml", "listeners: [{listen: \"127.0.0.1:8080\", backends: [\"10.0.0.5:80\"]}]\n");

        (int exitCode, string output, string error) = await Tcplb.RunToEndAsync(["validate", path], deadline.Token);
        (int bothExit, _, string both) = await Tcplb.RunToEndAsync(["validate", path, "--config", path], deadline.Token);

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        Assert.Equal($"{path}: ok: 1 listener, 1 backend\n", output);
        Assert.Equal(2, bothExit);
        Assert.Equal("tcplb: validate: give the file once, as FILE or as --config FILE\n", both);
    }

    [Fact]
    public async Task Run_refuses_a_bad_file_with_the_same_lines_and_exit_code_1()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        string path = Write("broken.yaml", "listeners:\n  - listen: \"127.0.0.1:8080\"\n    backends: [\"10.0.0.5:80\"]\n    retries: lots\n");

        (int exitCode, _, string error) = await Tcplb.RunToEndAsync(["run", "--config", path], deadline.Token);

        Assert.Equal(1, exitCode);
        Assert.Equal($"tcplb: {path}: listeners[0].retries: 'lots' is not a whole number\n", error);
    }

    [Fact]
    public async Task Run_refuses_a_file_mixed_with_setting_flags()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        string path = Write("tcplb.yaml", "listeners:\n  - listen: \"127.0.0.1:8080\"\n    backends: [\"10.0.0.5:80\"]\n");

        (int exitCode, _, string error) = await Tcplb.RunToEndAsync(["run", "--config", path, "--backend", "10.0.0.6:80", "--balance", "random"], deadline.Token);

        Assert.Equal(2, exitCode);
        Assert.Equal("tcplb: --config: the file holds every setting; remove --backend, --balance (or override the file with TCPLB__... environment variables)\n", error);
    }

    [Fact]
    public async Task Run_without_flags_reads_tcplb_yaml_and_says_so_when_it_is_missing()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using (PeerProcess missing = Tcplb.Start(["run"], _directory))
        {
            string line = await missing.WaitForLineAsync(line => line.StartsWith("tcplb: ", StringComparison.Ordinal), deadline.Token);
            Assert.Equal($"tcplb: no flags and no tcplb.yaml in {_directory}: give --config FILE, or --listen and --backend (see tcplb run --help)", line);
            Assert.Equal(2, await missing.WaitForExitAsync(deadline.Token));
        }

        int port = TcpLb.Testing.LoopbackPorts.Free();
        Write("tcplb.yaml", $"listeners:\n  - listen: \"127.0.0.1:{port}\"\n    backends: [\"10.0.0.5:80\"]\n");
        using PeerProcess found = Tcplb.Start(["run", .. Tcplb.NoAdmin], _directory); // not a setting: ./tcplb.yaml is still read
        await found.WaitForLineAsync(line => line.Contains($"Listening on 127.0.0.1:{port}", StringComparison.Ordinal), deadline.Token);
        Assert.Equal(0, await found.StopAsync());
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
