using System.CommandLine;
using System.Text.RegularExpressions;
using TcpLb.Cli;
using Xunit;

namespace TcpLb.UnitTests.Cli;

/// <summary><c>--help</c> tells the truth: every value it lists for a flag, and every default it shows, is one the parser accepts.</summary>
public sealed partial class HelpTests
{
    [Theory]
    [InlineData("run")]
    [InlineData("demo")]
    [InlineData("status")]
    public void Every_value_and_default_help_shows_is_one_the_flag_accepts(string command)
    {
        string help = Help(command);
        string[] entries = [.. FlagEntry().Split(help).Skip(1)]; // one per flag, even if its description wraps
        Assert.NotEmpty(entries);

        var checkedValues = new List<string>();
        foreach (string entry in entries)
        {
            Match flag = FlagAndValue().Match(entry);
            if (!flag.Groups["flag"].Value.StartsWith("--", StringComparison.Ordinal) || flag.Groups["flag"].Value == "--help")
            {
                continue;
            }

            // The words of a choice (v1|v2|off, off|DURATION), placeholders in capitals aside, and the default as shown.
            string values = flag.Groups["values"].Value;
            IEnumerable<string> shown = values.Contains('|', StringComparison.Ordinal) ? values.Split('|').Where(word => word.Any(char.IsLower)) : [];
            Match fallback = Default().Match(entry);
            foreach (string value in fallback.Success ? shown.Append(fallback.Groups["value"].Value) : shown)
            {
                ParseResult parsed = TcpLbCommandLine.Build().Parse([command, flag.Groups["flag"].Value, value]);
                Assert.True(parsed.Errors.Count == 0, $"tcplb {command} --help shows {flag.Groups["flag"].Value} {value}, which it refuses: {string.Join("; ", parsed.Errors.Select(error => error.Message))}");
                checkedValues.Add($"{flag.Groups["flag"].Value} {value}");
            }
        }

        Assert.NotEmpty(checkedValues);
    }

    [Fact]
    public void Run_help_shows_words_and_durations_as_the_parser_reads_them()
    {
        string help = Help("run");

        Assert.Contains("--connect <on-first-bytes|on-accept>", help, StringComparison.Ordinal);
        Assert.Contains("--log-level <trace|debug|information|warning|error>", help, StringComparison.Ordinal);
        Assert.Matches(@"--connect-timeout <DURATION>\s+.*\[default: 5s\]", help);
    }

    private static string Help(string command)
    {
        using var output = new StringWriter();
        TcpLbCommandLine.Build().Parse([command, "--help"]).Invoke(new InvocationConfiguration { Output = output });
        return output.ToString();
    }

    [GeneratedRegex(@"^  (?=-)", RegexOptions.Multiline)]
    private static partial Regex FlagEntry();

    [GeneratedRegex(@"^(?:-\S+, )*(?<flag>-\S+)(?: <(?<values>[^>]+)>)?")]
    private static partial Regex FlagAndValue();

    [GeneratedRegex(@"\[default: (?<value>[^\]]+)\]")]
    private static partial Regex Default();
}
