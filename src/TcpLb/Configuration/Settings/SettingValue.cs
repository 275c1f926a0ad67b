using System.Diagnostics.CodeAnalysis;

namespace TcpLb.Configuration.Settings;

/// <summary>
/// One kind of value settings take (a duration, a count in a range, one of some words, an address): one parser for
/// the config file, the environment and the flags, the format that parser reads back (the defaults <c>--help</c>
/// shows, the reload line's before and after), and what <c>--help</c> shows in the value's place.
/// </summary>
internal sealed class SettingValue<T>(string helpName, TryParse<T> parse, Func<T, string> format)
{
    /// <summary>What the value looks like in <c>--help</c>: <c>DURATION</c>, <c>v1|v2|off</c>, <c>1..256</c>.</summary>
    public string HelpName { get; } = helpName;

    public bool TryParse(string text, [MaybeNullWhen(false)] out T value, out string error) => parse(text, out value, out error);

    /// <summary>The value as the parser reads it back.</summary>
    public string Format(T value) => format(value);

    /// <summary>This value with one more rule: <paramref name="rule"/> gives the error for a value it refuses, or null.</summary>
    public SettingValue<T> Where(Func<T, string?> rule) => new(HelpName, (string text, [MaybeNullWhen(false)] out T value, out string error) =>
    {
        if (!parse(text, out value, out error))
        {
            return false;
        }

        if (rule(value) is { } refusal)
        {
            error = refusal;
            value = default;
            return false;
        }

        return true;
    }, format);
}
