using System.CommandLine;
using System.CommandLine.Parsing;
using TcpLb.Configuration.File;

namespace TcpLb.Cli;

/// <summary><c>--config FILE</c>, shared by <c>tcplb run</c> and <c>tcplb validate</c>, and how <c>run</c> picks its settings' source.</summary>
internal static class ConfigFlag
{
    public static Option<string?> Build() => new("--config")
    {
        Description = $"Every setting from this YAML (.yaml, .yml) or JSON (.json) file; {ConfigFile.EnvironmentPrefix}LISTENERS__0__BALANCE-style " +
            $"environment variables override it. Default: ./{ConfigFile.DefaultName} when no other flag is given.",
    };

    /// <summary>
    /// Where <c>tcplb run</c>'s settings come from: the file in <paramref name="path"/> (given, or
    /// <c>tcplb.yaml</c> when no flag at all was given), or the flags (path null). Returns the exit code (2)
    /// with a one-line <paramref name="refusal"/> when the command line mixes both, or names nothing that exists.
    /// </summary>
    public static int? Choose(ParseResult parsed, Option<string?> config, IEnumerable<Option> settingFlags, out string? path, out string? refusal)
    {
        path = parsed.GetValue(config);
        refusal = null;
        string[] given = [.. settingFlags.Where(option => parsed.GetResult(option) is OptionResult { Implicit: false }).Select(option => option.Name)];
        if (path is not null && given.Length > 0)
        {
            refusal = $"--config: the file holds every setting; remove {string.Join(", ", given)} (or override the file with {ConfigFile.EnvironmentPrefix}... environment variables)";
            return 2;
        }

        if (path is null && given.Length == 0)
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
