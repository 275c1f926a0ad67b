using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TcpLb.Testing;

/// <summary>The real <c>tcplb</c> (the tcplb.dll built next to the tests) as a <see cref="PeerProcess"/>, and what it printed.</summary>
internal static partial class Tcplb
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "tcplb.dll");

    /// <summary>
    /// Flags that keep a test's <c>tcplb run</c> off the admin endpoint's fixed default port 8411 (tests run in
    /// parallel): port 0, and <see cref="WaitForAdminAsync"/> reads the address it got from its log.
    /// </summary>
    public static readonly string[] AnyAdminPort = ["--admin-listen", "127.0.0.1:0"];

    /// <summary>For a <c>run</c> whose test does not look at the admin endpoint: parallel tests must not all bind 8411.</summary>
    public static readonly string[] NoAdmin = ["--admin-listen", "off"];

    /// <summary>
    /// Starts a long-running <c>tcplb</c>, stopped by its PID when disposed (<see cref="PeerProcess.StopAsync"/> stops it
    /// with SIGTERM first); add <see cref="AnyAdminPort"/> or <see cref="NoAdmin"/> to a <c>run</c>. It runs in a
    /// directory of its own, or in <paramref name="workingDirectory"/>, which the test keeps; <paramref name="environment"/> adds variables.
    /// </summary>
    public static PeerProcess Start(IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null) =>
        PeerProcess.Start("dotnet", [DllPath, .. arguments], workingDirectory ?? PeerProcess.NewDirectory("tcplb"), environment, ownsDirectory: workingDirectory is null);

    /// <summary>
    /// Waits for tcplb's "Listening on" line: unlike a probe connection, it leaves no connection behind to be counted.
    /// </summary>
    public static Task WaitForListeningAsync(PeerProcess tcplb, int port, CancellationToken cancellationToken) =>
        tcplb.WaitForLineAsync(line => line.Contains($"Listening on 127.0.0.1:{port}", StringComparison.Ordinal), cancellationToken);

    /// <summary>
    /// <see cref="Start"/>, then <see cref="WaitForListeningAsync"/> on <paramref name="port"/>: the tcplb once it listens, or
    /// stopped, and the failure thrown, when it does not.
    /// </summary>
    public static async Task<PeerProcess> StartListeningAsync(IEnumerable<string> arguments, int port, CancellationToken cancellationToken)
    {
        PeerProcess tcplb = Start(arguments);
        try
        {
            await WaitForListeningAsync(tcplb, port, cancellationToken);
            return tcplb;
        }
        catch
        {
            tcplb.Dispose();
            throw;
        }
    }

    /// <summary>The admin endpoint's base address (<c>http://127.0.0.1:PORT</c>), read from the line tcplb logs once it listens.</summary>
    public static async Task<Uri> WaitForAdminAsync(PeerProcess tcplb, CancellationToken cancellationToken)
    {
        string line = await tcplb.WaitForLineAsync(line => AdminUrl().IsMatch(line), cancellationToken);
        return new Uri(AdminUrl().Match(line).Groups[1].Value);
    }

    /// <summary>
    /// Runs a <c>tcplb</c> command that ends by itself (bounded by <paramref name="cancellationToken"/>): its exit code and what
    /// it wrote to each stream; <paramref name="environment"/> adds variables.
    /// </summary>
    public static async Task<(int ExitCode, string Out, string Error)> RunToEndAsync(
        string[] arguments, CancellationToken cancellationToken, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet", [DllPath, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable.Key] = variable.Value;
        }

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

    [GeneratedRegex(@"Admin endpoint listening on (http://[^\s""]+)")]
    private static partial Regex AdminUrl();
}
