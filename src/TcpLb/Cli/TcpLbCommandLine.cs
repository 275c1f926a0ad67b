using System.CommandLine;
using System.CommandLine.Parsing;
using TcpLb.Configuration.Settings;

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

    /// <summary>
    /// Parses and runs; a bad flag or value prints one line per problem and exits with 2. A word it does not know (a
    /// mistyped flag) is one line naming the nearest it knows: the errors System.CommandLine adds for the words after it
    /// (the mistyped flag's value) would only repeat that one mistake.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args)
    {
        ParseResult parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string[] problems = parsed.UnmatchedTokens.Count > 0 ? [Unknown(parsed)] : [.. parsed.Errors.Select(error => error.Message)];
            foreach (string problem in problems)
            {
                await Console.Error.WriteLineAsync($"tcplb: {problem}").ConfigureAwait(false);
            }

            return 2;
        }

        // Signals belong to the host (SIGTERM/SIGINT start the drain): System.CommandLine's own handling would
        // end the process 2 s after the signal, in the middle of a drain, with exit code 143/130.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }

    // "unknown flag --send-prxy; did you mean --send-proxy?": the first word not understood, against the flags (or the
    // commands) of the command it was given to.
    private static string Unknown(ParseResult parsed)
    {
        string word = parsed.UnmatchedTokens[0];
        Command command = parsed.CommandResult.Command;
        bool isFlag = word.StartsWith('-');
        string[] known = isFlag
            ? [.. command.Options.Where(option => !option.Hidden).SelectMany(option => option.Aliases.Prepend(option.Name)).Where(name => name.StartsWith("--", StringComparison.Ordinal))]
            : [.. command.Subcommands.Select(subcommand => subcommand.Name)];
        string? near = EditDistance.Nearest(known, word, 2);
        string what = isFlag ? "flag" : command.Subcommands.Count > 0 ? "command" : "argument";
        var names = new List<string>();
        for (CommandResult? result = parsed.CommandResult; result is not null; result = result.Parent as CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        string path = string.Join(' ', names);
        return near is null ? $"unknown {what} '{word}' (see {path} --help)" : $"unknown {what} '{word}'; did you mean {near}?";
    }
}
