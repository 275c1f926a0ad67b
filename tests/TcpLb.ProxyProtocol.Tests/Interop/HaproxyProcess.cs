using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Interop;

/// <summary>
/// A real HAProxy started for one test from a generated config, stopped by its PID. A "ready" frontend
/// on its own port tells when the listeners are bound: every bind happens at start-up, together.
/// </summary>
internal sealed class HaproxyProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private HaproxyProcess(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    /// <summary>Skips the calling test, naming the program, when HAProxy is not installed.</summary>
    public static string RequireExecutable()
    {
        string? path = FindOnPath("haproxy");
        if (path is null)
        {
            Assert.Skip("haproxy is not installed (not found on PATH); .ci/run installs it with apt-get.");
        }

        return path;
    }

    /// <summary>Starts HAProxy with <paramref name="listenSections"/> added to a minimal TCP config and waits until it listens.</summary>
    public static async Task<HaproxyProcess> StartAsync(string listenSections, CancellationToken cancellationToken)
    {
        string executable = RequireExecutable();
        string directory = Directory.CreateTempSubdirectory("tcplb-haproxy-").FullName;
        int readyPort = FreePort();
        string config = $"""
            global
              maxconn 256
            defaults
              mode tcp
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            frontend ready
              bind 127.0.0.1:{readyPort}
              tcp-request connection reject
            {listenSections}
            """;
        string configPath = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(configPath, config + "\n", cancellationToken); // HAProxy wants the last line ended

        var start = new ProcessStartInfo(executable, ["-db", "-f", configPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("haproxy did not start");
        var haproxy = new HaproxyProcess(process, directory);
        try
        {
            await haproxy.WaitUntilListeningAsync(readyPort, cancellationToken);
            return haproxy;
        }
        catch
        {
            haproxy.Dispose();
            throw;
        }
    }

    /// <summary>A loopback port that was free a moment ago, for a process that must be told its port.</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task WaitUntilListeningAsync(int port, CancellationToken cancellationToken)
    {
        // Bounded: 200 attempts, 50 ms apart, and the test's own timeout.
        for (int attempt = 0; attempt < 200; attempt++)
        {
            if (_process.HasExited)
            {
                string errors = await _process.StandardError.ReadToEndAsync(cancellationToken);
                throw new InvalidOperationException($"haproxy exited with code {_process.ExitCode}: {errors}");
            }

            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException($"haproxy did not listen on 127.0.0.1:{port} within 10 s");
    }

    private static string? FindOnPath(string program)
    {
        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        return directories.Concat(["/usr/sbin", "/usr/local/sbin"])
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }
}
