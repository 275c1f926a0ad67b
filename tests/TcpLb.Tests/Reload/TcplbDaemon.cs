using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using TcpLb.Testing;
using TcpLb.Tests.Cli;

namespace TcpLb.Tests.Reload;

/// <summary>
/// A real, long-running <c>tcplb</c> process (the tcplb.dll built next to the tests) whose output lines the test
/// can wait for, and which the test signals by PID (<c>kill -HUP</c>), as an operator would.
/// </summary>
internal sealed class TcplbDaemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _newLine = new(0);

    private TcplbDaemon(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line printed so far, stdout and stderr together.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public static TcplbDaemon Start(string[] arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet", [TcplbProcess.DllPath, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        return new TcplbDaemon(Process.Start(start)!);
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
                throw new InvalidOperationException($"tcplb exited ({_process.ExitCode}) before the line came:\n{string.Join('\n', _lines)}");
            }

            try
            {
                await _newLine.WaitAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the expected line did not come; tcplb printed:\n{string.Join('\n', _lines)}");
            }
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the process, as an operator's <c>kill</c> would.</summary>
    public void Signal(PosixSignal signal) => PeerProcess.Signal(_process.Id, signal);

    /// <summary>Waits for the process to end on its own; its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, then the exit code (the process is killed if it has not exited within 15 s).</summary>
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

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        _newLine.Dispose();
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
