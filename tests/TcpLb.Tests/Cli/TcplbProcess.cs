using System.Diagnostics;

namespace TcpLb.Tests.Cli;

/// <summary>Runs the real <c>tcplb</c> (the tcplb.dll built next to the tests) and collects what it printed.</summary>
internal static class TcplbProcess
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "tcplb.dll");

    public static async Task<(int ExitCode, string Out, string Error)> RunToEndAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet", [DllPath, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        try
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await output, await error);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
