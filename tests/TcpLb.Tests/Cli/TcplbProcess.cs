using System.Diagnostics;
using System.Text.RegularExpressions;
using TcpLb.Testing;
using TcpLb.Tests.Support;

namespace TcpLb.Tests.Cli;

/// <summary>Runs the real <c>tcplb</c> (the tcplb.dll built next to the tests) and collects what it printed.</summary>
internal static class TcplbProcess
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "tcplb.dll");

    /// <summary>
    /// Flags that keep a test's <c>tcplb run</c> off the admin endpoint's fixed default port 9100 (tests run in
    /// parallel): port 0, and <see cref="WaitForAdminAsync"/> reads the address it got from its log.
    /// </summary>
    public static readonly string[] AnyAdminPort = ["--admin-listen", "127.0.0.1:0"];

    /// <summary>For a <c>run</c> whose test does not look at the admin endpoint: parallel tests must not all bind 9100.</summary>
    public static readonly string[] NoAdmin = ["--admin-listen", "off"];

    /// <summary>Starts a long-running <c>tcplb</c> (stopped by its PID when disposed); add <see cref="AnyAdminPort"/> to a <c>run</c>.</summary>
    public static PeerProcess Start(IEnumerable<string> arguments) =>
        PeerProcess.Start("dotnet", [DllPath, .. arguments], PeerProcess.NewDirectory("tcplb"));

    /// <summary>
    /// Waits for tcplb's "Listening on" line: unlike a probe connection, it leaves no connection behind to be counted.
    /// </summary>
    public static Task WaitForListeningAsync(PeerProcess tcplb, int port, CancellationToken cancellationToken) =>
        TcpLbUnderTest.WaitUntilAsync(
            () => tcplb.Output.Contains($"Listening on 127.0.0.1:{port}", StringComparison.Ordinal) || tcplb.HasExited,
            $"tcplb listens on 127.0.0.1:{port}",
            cancellationToken);

    /// <summary>The admin endpoint's base address (<c>http://127.0.0.1:PORT</c>), read from the line tcplb logs once it listens.</summary>
    public static async Task<Uri> WaitForAdminAsync(PeerProcess tcplb, CancellationToken cancellationToken)
    {
        Match listening = Match.Empty;
        await TcpLbUnderTest.WaitUntilAsync(
            () => (listening = Regex.Match(tcplb.Output, @"Admin endpoint listening on (http://[^\s""]+)")).Success || tcplb.HasExited,
            "tcplb logs its admin endpoint address",
            cancellationToken);
        return listening.Success ? new Uri(listening.Groups[1].Value) : throw new InvalidOperationException($"tcplb exited before its admin endpoint listened:\n{tcplb.Output}");
    }

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
