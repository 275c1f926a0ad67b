using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;
using TcpLb.Configuration.File;
using TcpLb.Hosting;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Reload;

/// <summary>The reloader in the test process: a bad file is refused and the running configuration stays; a changed file is applied.</summary>
public sealed class ConfigReloaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tcplb-reloader-").FullName;

    private string ConfigPath => Path.Combine(_directory, "tcplb.yaml");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task An_invalid_file_is_refused_with_one_warning_per_problem_and_the_running_configuration_stays()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        (TcpLbUnderTest started, ConfigReloader reloader) = await StartAsync(a.EndPoint);
        await using TcpLbUnderTest lb = started;
        IReadOnlyList<ListenerOptions> running = lb.Server.Options;
        File.WriteAllText(ConfigPath, "listeners:\n  - listen: \"127.0.0.1:0\"\n    backends: [\"127.0.0.1:1\"]\n    balance: fastest\n    retries: -1\n");

        bool applied = await reloader.ReloadAsync("test", cancellationToken);

        Assert.False(applied);
        Assert.Same(running, lb.Server.Options);
        Assert.Equal(
            ["Reload #1: listeners[0].balance: 'fastest' is not one of least-connections, round-robin, power-of-two, random, source-hash", "Reload #1: listeners[0].retries: '-1' must be 0 or more"],
            lb.Logs.Lines.Where(line => line.EventId == 502 && line.Level == LogLevel.Warning).Select(line => line.Message));
        string refused = Assert.Single(lb.Logs.Lines, line => line.EventId == 501).Message;
        Assert.StartsWith("Reload #1 (test) refused: 2 problem(s) in ", refused, StringComparison.Ordinal);
        await EchoClient.ConverseAsync(lb.Server.EndPoints[0], 1, 100, new Random(1), cancellationToken);
        Assert.Equal(1, a.Accepted);
    }

    [Fact]
    public async Task A_valid_file_is_applied_and_logged_as_one_line_saying_what_changed()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        await using var b = new EchoBackend();
        (TcpLbUnderTest started, ConfigReloader reloader) = await StartAsync(a.EndPoint);
        await using TcpLbUnderTest lb = started;
        WriteConfig(b.EndPoint, "drainTimeout: 5s\n");

        bool applied = await reloader.ReloadAsync("test", cancellationToken);

        Assert.True(applied);
        Assert.Equal(
            $"Reload #1 (test) applied: listener 127.0.0.1:0: +backend {b.EndPoint}, -backend {a.EndPoint} (draining); drainTimeout 30s -> 5s (takes effect on restart)",
            Assert.Single(lb.Logs.Lines, line => line.EventId == 500).Message);
        Assert.Equal(TimeSpan.FromSeconds(5), reloader.Current.DrainTimeout);
        await EchoClient.ConverseAsync(lb.Server.EndPoints[0], 1, 100, new Random(1), cancellationToken);
        Assert.Equal((0, 1), (a.Accepted, b.Accepted));
    }

    [Fact]
    public async Task A_changed_file_is_reloaded_without_a_signal()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        await using var b = new EchoBackend();
        (TcpLbUnderTest started, ConfigReloader reloader) = await StartAsync(a.EndPoint);
        await using TcpLbUnderTest lb = started;
        Assert.True(await WatchAsync(reloader, () => WriteConfig(b.EndPoint), cancellationToken));

        Assert.Contains("(file change) applied", Assert.Single(lb.Logs.Lines, line => line.EventId == 500).Message, StringComparison.Ordinal);
        await EchoClient.ConverseAsync(lb.Server.EndPoints[0], 1, 100, new Random(1), cancellationToken);
        Assert.Equal((0, 1), (a.Accepted, b.Accepted));
    }

    [Fact]
    public async Task A_configmap_volume_update_that_swaps_the_data_link_is_reloaded()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        await using var b = new EchoBackend();
        // The kubelet's layout: the files in a timestamped directory, ..data linking to it, tcplb.yaml linking through ..data.
        string first = WriteVersion("..2026_11_30_12_00_00.000000001", a.EndPoint);
        Directory.CreateSymbolicLink(Path.Combine(_directory, "..data"), first);
        File.CreateSymbolicLink(ConfigPath, Path.Combine("..data", "tcplb.yaml"));
        (TcpLbUnderTest started, ConfigReloader reloader) = await StartFromFileAsync();
        await using TcpLbUnderTest lb = started;
        bool applied = await WatchAsync(reloader, () =>
        {
            // An update, as the kubelet makes it: a new directory, a new link beside ..data, renamed over it (one atomic
            // rename(2)), then the old directory removed. tcplb.yaml itself is never touched.
            string second = WriteVersion("..2026_11_30_12_05_00.000000002", b.EndPoint);
            Directory.CreateSymbolicLink(Path.Combine(_directory, "..data_tmp"), second);
            Rename(Path.Combine(_directory, "..data_tmp"), Path.Combine(_directory, "..data"));
            Directory.Delete(Path.Combine(_directory, first), recursive: true);
        }, cancellationToken);

        Assert.True(applied);

        Assert.Equal(
            $"Reload #1 (file change) applied: listener 127.0.0.1:0: +backend {b.EndPoint}, -backend {a.EndPoint} (draining)",
            Assert.Single(lb.Logs.Lines, line => line.EventId == 500).Message);
        await EchoClient.ConverseAsync(lb.Server.EndPoints[0], 1, 100, new Random(1), cancellationToken);
        Assert.Equal((0, 1), (a.Accepted, b.Accepted));
    }

    [Fact]
    public async Task A_change_in_the_directory_that_leaves_the_files_bytes_as_they_were_reloads_nothing()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        (TcpLbUnderTest started, ConfigReloader reloader) = await StartAsync(a.EndPoint);
        await using TcpLbUnderTest lb = started;
        await reloader.StartAsync(cancellationToken);
        try
        {
            WriteConfig(a.EndPoint); // the same bytes, replaced (an editor saving without a change)
            await File.WriteAllTextAsync(Path.Combine(_directory, ".tcplb.yaml.swp"), "an editor's swap file", cancellationToken);

            await TcpLbUnderTest.WaitUntilAsync(() => lb.Logs.Lines.Any(line => line.EventId == 504), "the debounced change is looked at", cancellationToken);
        }
        finally
        {
            await reloader.StopAsync(CancellationToken.None);
        }

        Assert.DoesNotContain(lb.Logs.Lines, line => line.EventId is 500 or 501);
    }

    // A server started from the file as it is now, and a reloader of that file (not started: tests call it or start it).
    private Task<(TcpLbUnderTest Server, ConfigReloader Reloader)> StartAsync(IPEndPoint backend)
    {
        WriteConfig(backend);
        return StartFromFileAsync();
    }

    // Starts the reloader's watch, makes the change, and returns the outcome of the reload it caused (true: applied).
    private static async Task<bool> WatchAsync(ConfigReloader reloader, Action change, CancellationToken cancellationToken)
    {
        var reloaded = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        reloader.Reloaded += applied => reloaded.TrySetResult(applied);
        await reloader.StartAsync(cancellationToken);
        try
        {
            change();
            return await reloaded.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            await reloader.StopAsync(CancellationToken.None);
        }
    }

    // A server started from the file as it is (links and all), and a reloader of it.
    private async Task<(TcpLbUnderTest Server, ConfigReloader Reloader)> StartFromFileAsync()
    {
        TcpLbOptions options = ConfigFile.Load(ConfigPath, new System.Collections.Hashtable()).Options!;
        TcpLbUnderTest lb = await TcpLbUnderTest.StartAllAsync(options.Listeners);
        var reloader = new ConfigReloader(ConfigPath, options, lb.Server, TimeProvider.System, lb.Loggers.CreateLogger<ConfigReloader>(), TimeSpan.FromMilliseconds(100));
        return (lb, reloader);
    }

    // One version of a ConfigMap volume: its timestamped directory holding tcplb.yaml; returns the directory's name.
    private string WriteVersion(string name, IPEndPoint backend)
    {
        Directory.CreateDirectory(Path.Combine(_directory, name));
        File.WriteAllText(Path.Combine(_directory, name, "tcplb.yaml"), $"listeners:\n  - listen: \"127.0.0.1:0\"\n    backends: [\"{backend}\"]\n");
        return name;
    }

    // rename(2) of the new link over ..data, as the kubelet swaps it: atomic, a reader sees the old version or the new.
    // (File.Move and Directory.Move follow the links and refuse: one is no file, the other's destination exists.)
    private static void Rename(string from, string to) =>
        Assert.True(rename(from, to) == 0, $"rename {from} {to}: errno {Marshal.GetLastPInvokeError()}");

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    // Written aside and renamed over the file, as editors and ConfigMap updates do: a reader never sees half a file.
    private void WriteConfig(IPEndPoint backend, string extra = "")
    {
        string next = ConfigPath + ".next";
        File.WriteAllText(next, $"listeners:\n  - listen: \"127.0.0.1:0\"\n    backends: [\"{backend}\"]\n{extra}");
        File.Move(next, ConfigPath, overwrite: true);
    }
}
