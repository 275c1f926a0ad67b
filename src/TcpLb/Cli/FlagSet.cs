using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using TcpLb.Configuration.Settings;

namespace TcpLb.Cli;

/// <summary>
/// The <c>tcplb</c> flags of a set of settings, made from their declarations (<see cref="SettingFlag{TOwner}"/>): each
/// value is checked at parse time by the setting's own parser (a bad one is one line naming the flag, exit code 2),
/// <c>--help</c> shows the values that parser accepts and the default as the parser reads it, and the flags given are
/// applied onto the options in declaration order.
/// </summary>
internal sealed partial class FlagSet<TOwner>
    where TOwner : class
{
    private readonly (SettingFlag<TOwner> Flag, Option Option)[] _flags;

    public FlagSet(IEnumerable<SettingFlag<TOwner>> flags) => _flags = [.. flags.Select(flag => (flag, Build(flag)))];

    public IEnumerable<Option> Options => _flags.Select(pair => pair.Option);

    /// <summary>The names of the flags given on the command line (<paramref name="overridingFile"/>: only those that may go with <c>--config</c>, or only those that may not).</summary>
    public IEnumerable<string> Given(ParseResult parsed, bool overridingFile) =>
        _flags.Where(pair => pair.Flag.OverridesFile == overridingFile && IsGiven(parsed, pair.Option)).Select(pair => pair.Flag.Name);

    /// <summary><paramref name="owner"/> with every flag given applied (<paramref name="onlyOverridingFile"/>: only those that may adjust a config file).</summary>
    public TOwner Apply(ParseResult parsed, TOwner owner, bool onlyOverridingFile = false)
    {
        foreach ((SettingFlag<TOwner> flag, Option option) in _flags)
        {
            if ((!onlyOverridingFile || flag.OverridesFile) && parsed.GetResult(option) is OptionResult { Implicit: false } given)
            {
                // A switch given alone (--allow-direct) is on; a value flag gives one text per value.
                owner = flag.Apply(owner, given.Tokens.Count == 0 ? ["true"] : [.. given.Tokens.Select(token => token.Value)]);
            }
        }

        return owner;
    }

    /// <summary>Flags given together that exclude each other, one sentence each.</summary>
    public IEnumerable<string> Conflicts(ParseResult parsed) =>
        from pair in _flags
        where pair.Flag.Excludes is not null && IsGiven(parsed, pair.Option) && _flags.Any(other => other.Flag.Name == pair.Flag.Excludes && IsGiven(parsed, other.Option))
        select $"{pair.Flag.Name}: give either {pair.Flag.Excludes} or {pair.Flag.Name}, not both";

    /// <summary>
    /// The flag that sets <paramref name="setting"/> (a path as the file writes it, <c>backends[2]</c>), or the one that sets
    /// the nearest section above it; the path itself when no flag does.
    /// </summary>
    public string NameOf(string setting)
    {
        for (string path = Index().Replace(setting, string.Empty); path.Length > 0; path = path.Contains('.', StringComparison.Ordinal) ? path[..path.LastIndexOf('.')] : string.Empty)
        {
            string[] names = [.. _flags.Where(pair => pair.Flag.Setting == path).Select(pair => pair.Flag.Name)];
            if (names.Length > 0)
            {
                return string.Join(" / ", names);
            }
        }

        return setting;
    }

    private static bool IsGiven(ParseResult parsed, Option option) => parsed.GetResult(option) is OptionResult { Implicit: false };

    private static Option Build(SettingFlag<TOwner> flag)
    {
        if (flag.HelpName is null)
        {
            return new Option<bool>(flag.Name) { Description = flag.Help };
        }

        if (flag.Repeatable)
        {
            var many = new Option<string[]>(flag.Name)
            {
                Description = flag.Help,
                HelpName = flag.HelpName,
                Arity = ArgumentArity.OneOrMore,
                AllowMultipleArgumentsPerToken = false,
                CustomParser = result => [.. result.Tokens.Select(token => Checked(flag, result, token.Value))],
            };
            if (flag.Default is { } defaults)
            {
                many.DefaultValueFactory = _ => [defaults];
            }

            return many;
        }

        var one = new Option<string>(flag.Name)
        {
            Description = flag.Help,
            HelpName = flag.HelpName,
            CustomParser = result => Checked(flag, result, result.Tokens[0].Value),
        };
        if (flag.Default is { } fallback)
        {
            one.DefaultValueFactory = _ => fallback;
        }

        return one;
    }

    private static string Checked(SettingFlag<TOwner> flag, ArgumentResult result, string text)
    {
        if (flag.Check(text) is { } error)
        {
            result.AddError($"{flag.Name}: {error}");
        }

        return text;
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Index();
}
