using System.CommandLine;
using TcpLb.Configuration.File;

namespace TcpLb.Cli;

/// <summary><c>--config FILE</c>, shared by <c>tcplb run</c> and <c>tcplb validate</c>, and how <c>run</c> picks its settings' source.</summary>
internal static class ConfigFlag
{
    public static Option<string?> Build() => new("--config")
    {
        Description = $"Every setting from this YAML (.yaml, .yml) or JSON (.json) file; {ConfigFile.EnvironmentPrefix}LISTENERS__0__BALANCE-style " +
            $"environment variables override it. Default: ./{ConfigFile.DefaultName} when no other flag is given.",
        HelpName = "FILE",
    };

    /// <summary>
    /// Where <c>tcplb run</c>'s settings come from: the file in <paramref name="path"/> (given, or <c>tcplb.yaml</c> when
    /// no flag at all was given), or the flags (path null). <paramref name="given"/> are the setting flags given, which a
    /// file cannot go with. Returns the exit code (2) with a one-line <paramref name="refusal"/> when the command line
    /// mixes both, or names nothing that exists.
    /// </summary>
    public static int? Choose(ParseResult parsed, Option<string?> config, IReadOnlyList<string> given, out string? path, out string? refusal)
    {
        path = parsed.GetValue(config);
        refusal = null;
        if (path is not null && given.Count > 0)
        {
            refusal = $"--config: the file holds every setting; remove {string.Join(", ", given)} (or override the file with {ConfigFile.EnvironmentPrefix}... environment variables)";
            return 2;
        }

        if (path is null && given.Count == 0)
        {
            if (!System.IO.File.Exists(ConfigFile.DefaultName))
            {
                refusal = $"no flags and no {ConfigFile.DefaultName} in {Environment.CurrentDirectory}: give --config FILE, or --listen and --backend (see tcplb run --help)";
                return 2;
            }

            path = ConfigFile.DefaultName;
        }

        return null;
    }
}
