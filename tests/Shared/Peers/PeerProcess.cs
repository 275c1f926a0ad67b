using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit;

namespace TcpLb.Testing;

/// <summary>
/// A real program (HAProxy, nginx, tcplb, systemd-socket-activate) started for one test, signalled and stopped by
/// its PID. Every line it prints (stdout and stderr together) is kept: a test waits for the line it expects, and a
/// failure message shows what the program said.
/// </summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process _process;
    private readonly bool _ownsDirectory;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _newLine = new(0);

    private PeerProcess(Process process, string directory, bool ownsDirectory)
    {
        _process = process;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
    }

    /// <summary>The directory the process runs in (configs, logs).</summary>
    public string Directory { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line printed so far, stdout and stderr together, in the order they came.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Everything it printed so far, one line after another.</summary>
    public string Output => string.Concat(_lines.Select(line => line + "\n"));

    /// <summary>The full path of <paramref name="program"/>, or a skip naming it when it is not installed.</summary>
    public static string Require(string program)
    {
        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        string? path = directories.Concat(["/usr/sbin", "/usr/local/sbin"])
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            Assert.Skip($"{program} is not installed (not found on PATH); .ci/run installs it with apt-get.");
        }

        return path;
    }

    public static string NewDirectory(string name) => System.IO.Directory.CreateTempSubdirectory($"tcplb-{name}-").FullName;

    /// <summary>
    /// Starts <paramref name="executable"/> in <paramref name="directory"/>, which it deletes when disposed unless
    /// <paramref name="ownsDirectory"/> is false (a directory the test keeps); with <paramref name="redirectInput"/>,
    /// <see cref="WriteLine"/> feeds its standard input.
    /// </summary>
    public static PeerProcess Start(
        string executable, IEnumerable<string> arguments, string directory, IDictionary<string, string>? environment = null, bool redirectInput = false,
        bool ownsDirectory = true)
    {
        var start = new ProcessStartInfo(executable, arguments)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable.Key] = variable.Value;
        }

        Process process = new() { StartInfo = start };
        var peer = new PeerProcess(process, directory, ownsDirectory);
        process.OutputDataReceived += (_, line) => peer.Add(line.Data);
        process.ErrorDataReceived += (_, line) => peer.Add(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>Waits until the process accepts on <paramref name="port"/>; fails with its output if it exits first.</summary>
    public async Task WaitUntilAcceptingAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            await LoopbackPorts.WaitUntilAcceptingAsync(port, () => _process.HasExited, cancellationToken);
        }
        catch (TimeoutException exception)
        {
            throw new InvalidOperationException($"{_process.StartInfo.FileName}: {exception.Message}\n{Output}", exception);
        }
    }

    /// <summary>Waits (bounded by <paramref name="cancellationToken"/>) until <paramref name="count"/> lines match; returns the last of them.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, CancellationToken cancellationToken, int count = 1)
    {
        while (true)
        {
            string[] matching = [.. _lines.Where(match)];
            if (matching.Length >= count)
            {
                return matching[count - 1];
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(_process.StartInfo.FileName)} exited ({_process.ExitCode}) before the line came:\n{Output}");
            }

            try
            {
                await _newLine.WaitAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the expected line did not come; the process printed:\n{Output}");
            }
        }
    }

    /// <summary>Writes one line to its standard input (started with <c>redirectInput</c>).</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Sends a signal by PID (SIGTERM, SIGHUP...), as an operator's <c>kill</c> would.</summary>
    public void Signal(PosixSignal signal) => Signal(_process.Id, signal);

    /// <summary>Sends a signal to the process <paramref name="pid"/>, e.g. a child this process started.</summary>
    public static void Signal(int pid, PosixSignal signal)
    {
        int number = signal switch
        {
            PosixSignal.SIGHUP => 1,
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGQUIT => 3,
            _ => 15,
        };
        using Process kill = Process.Start("kill", [$"-{number}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(5000);
    }

    /// <summary>Waits for the process to exit by itself (bounded) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return await WaitForExitAsync(cancel.Token);
    }

    /// <summary>Waits for the process to exit by itself (bounded by <paramref name="cancellationToken"/>) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, then the exit code; the process is killed if it has not exited within 15 s.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            Signal(PosixSignal.SIGTERM);
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process (and what it started) if it still runs, and removes its directory when it owns it.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
            _newLine.Dispose();
            if (_ownsDirectory)
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
            _newLine.Release();
        }
    }
}
