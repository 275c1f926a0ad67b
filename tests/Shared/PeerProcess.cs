using System.Diagnostics;
using System.Text;
using Xunit;

namespace TcpLb.Testing;

/// <summary>
/// A real program (HAProxy, nginx, tcplb) started for one test in its own temp directory, and stopped by
/// its PID when the test ends. What it printed is kept for the failure message.
/// </summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PeerProcess(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    /// <summary>The scratch directory the process runs in (configs, logs).</summary>
    public string Directory { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything it wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

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

    /// <summary>Starts <paramref name="executable"/>; with <paramref name="redirectInput"/>, <see cref="WriteLine"/> feeds its standard input.</summary>
    public static PeerProcess Start(string executable, IEnumerable<string> arguments, string directory, IDictionary<string, string>? environment = null, bool redirectInput = false)
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
        var peer = new PeerProcess(process, directory);
        process.OutputDataReceived += (_, line) => peer.Append(line.Data);
        process.ErrorDataReceived += (_, line) => peer.Append(line.Data);
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

    /// <summary>Writes one line to its standard input (started with <c>redirectInput</c>).</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Sends a signal by PID (SIGTERM, SIGHUP...).</summary>
    public void Signal(System.Runtime.InteropServices.PosixSignal signal) => Signal(_process.Id, signal);

    /// <summary>Sends a signal to the process <paramref name="pid"/>, e.g. a child this process started.</summary>
    public static void Signal(int pid, System.Runtime.InteropServices.PosixSignal signal)
    {
        int number = signal switch
        {
            System.Runtime.InteropServices.PosixSignal.SIGHUP => 1,
            System.Runtime.InteropServices.PosixSignal.SIGINT => 2,
            System.Runtime.InteropServices.PosixSignal.SIGQUIT => 3,
            _ => 15,
        };
        using Process kill = Process.Start("kill", [$"-{number}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(5000);
    }

    /// <summary>Waits for the process to exit by itself (bounded) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

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
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
