using System.CommandLine;

namespace TcpLb.Cli;

/// <summary>The <c>tcplb</c> command tree (System.CommandLine gives <c>--help</c> and <c>--version</c>).</summary>
internal static class TcpLbCommandLine
{
    public static RootCommand Build() =>
        new("TcpLb: a raw TCP load balancer that forwards bytes untouched and prepends a PROXY protocol " +
            "header (v1 or v2) with the real client address, so HTTP routers behind it keep the client's IP " +
            "while WebSockets keep working.")
        {
            RunCommand.Build(),
            ValidateCommand.Build(),
            DemoCommand.Build(),
            StatusCommand.Build(),
        };

    /// <summary>Parses and runs; a bad flag or value prints one line per problem and exits with 2.</summary>
    public static async Task<int> InvokeAsync(string[] args)
    {
        ParseResult parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"tcplb: {error.Message}").ConfigureAwait(false);
            }

            return 2;
        }

        // Signals belong to the host (SIGTERM/SIGINT start the drain): System.CommandLine's own handling would
        // end the process 2 s after the signal, in the middle of a drain, with exit code 143/130.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }
}
