using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace TcpLb.Configuration.Settings;

/// <summary>
/// The kinds of value settings take, each with its parser, its rule and its format. A setting's own range (a count
/// at least 1, a weight 1..256) is part of its value, so the file and the flags refuse the same values with the same
/// sentence; rules between settings are <see cref="ListenerRules"/>.
/// </summary>
internal static class SettingValues
{
    /// <summary>A duration with its unit (<c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>), more than zero.</summary>
    public static SettingValue<TimeSpan> Duration { get; } = new("DURATION", ValueParsers.TryParseDuration, ValueParsers.FormatDuration);

    /// <summary>A duration, or zero (<c>0s</c>) where zero means "none".</summary>
    public static SettingValue<TimeSpan> DurationOrZero { get; } = new("DURATION", ValueParsers.TryParseDurationOrZero, ValueParsers.FormatDuration);

    /// <summary><c>off</c> (zero) or a duration.</summary>
    public static SettingValue<TimeSpan> DurationOrOff { get; } = new("off|DURATION", static (string text, out TimeSpan value, out string error) =>
    {
        if (string.Equals(text, "off", StringComparison.OrdinalIgnoreCase))
        {
            value = TimeSpan.Zero;
            error = string.Empty;
            return true;
        }

        if (ValueParsers.TryParseDuration(text, out value, out error))
        {
            return true;
        }

        error = $"'{text}' is neither off nor a duration such as 30s, 2m";
        return false;
    }, static value => value == TimeSpan.Zero ? "off" : ValueParsers.FormatDuration(value));

    /// <summary>Any whole number.</summary>
    public static SettingValue<int> Integer { get; } = new("N", TryParseInteger, FormatInteger);

    /// <summary>A fraction from 0 up to (not including) 1.</summary>
    public static SettingValue<double> Fraction { get; } = new("0..1", static (string text, out double value, out string error) =>
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            error = $"'{text}' is not a number";
            return false;
        }

        bool ok = value is >= 0 and < 1;
        error = ok ? string.Empty : $"'{text}' is not a fraction from 0 up to (not including) 1";
        return ok;
    }, static value => value.ToString(CultureInfo.InvariantCulture));

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public static SettingValue<bool> Bool { get; } = new("true|false", static (string text, out bool value, out string error) =>
    {
        bool ok = bool.TryParse(text, out value);
        error = ok ? string.Empty : $"'{text}' is not true or false";
        return ok;
    }, static value => value ? "true" : "false");

    /// <summary><c>on</c> or <c>off</c>, for a switch whose default is on (<c>true</c> and <c>false</c> are read too).</summary>
    public static SettingValue<bool> OnOff { get; } = new("on|off", static (string text, out bool value, out string error) =>
    {
        value = text.ToLowerInvariant() is "on" or "true";
        bool ok = value || text.ToLowerInvariant() is "off" or "false";
        error = ok ? string.Empty : $"'{text}' is not one of on, off";
        return ok;
    }, static value => value ? "on" : "off");

    /// <summary>Any text; <paramref name="helpName"/> says what it is (<c>PATH</c>, <c>NAME</c>).</summary>
    public static SettingValue<string> Text(string helpName) => new(helpName, static (string text, [MaybeNullWhen(false)] out string value, out string error) =>
    {
        value = text;
        error = string.Empty;
        return true;
    }, static value => value);

    /// <summary>A file's path, or null for none (written <c>none</c> in help and reload lines); read when it is used, not here.</summary>
    public static SettingValue<string?> FilePath { get; } = new("PATH", static (string text, out string? value, out string error) =>
    {
        bool ok = text.Length > 0 && !text.Contains('\0', StringComparison.Ordinal);
        value = ok ? text : null;
        error = ok ? string.Empty : "a path is not empty and has no NUL character";
        return ok;
    }, static value => value ?? "none");

    /// <summary><c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, <c>[::]:8080</c> or <c>*:8080</c> (all addresses, dual-stack).</summary>
    public static SettingValue<IPEndPoint> ListenEndPoint { get; } = new("ADDR:PORT", static (string text, [MaybeNullWhen(false)] out IPEndPoint value, out string error) =>
        ValueParsers.TryParseListenEndPoint(text, out value, out error), static value => value.ToString());

    /// <summary>An IP address or a DNS name, with a port: <c>10.0.0.5:80</c>, <c>[fd00::5]:80</c>, <c>router.local:80</c>.</summary>
    public static SettingValue<EndPoint> BackendEndPoint { get; } = new("HOST:PORT", static (string text, [MaybeNullWhen(false)] out EndPoint value, out string error) =>
        ValueParsers.TryParseBackendEndPoint(text, out value, out error), ValueParsers.FormatEndPoint);

    /// <summary>A network in CIDR form (<c>10.0.0.0/8</c>); a bare address is that one host.</summary>
    public static SettingValue<IPNetwork> Network { get; } = new("CIDR", ValueParsers.TryParseNetwork, static value => value.ToString());

    /// <summary>
    /// A whole number from <paramref name="least"/> to <paramref name="most"/>; <paramref name="noun"/> names what it is in
    /// the refusal (<c>'70000' is not a port 0..65535</c>).
    /// </summary>
    public static SettingValue<int> Count(int least, int most = int.MaxValue, string noun = "") =>
        new(most == int.MaxValue ? "N" : $"{least}..{most}", (string text, out int value, out string error) =>
        {
            if (!TryParseInteger(text, out value, out error))
            {
                return false;
            }

            if (value >= least && value <= most)
            {
                return true;
            }

            error = most != int.MaxValue ? $"'{text}' is not {noun}{least}..{most}"
                : least == 0 ? $"'{text}' must be 0 or more"
                : $"'{text}' must be at least {least}";
            return false;
        }, FormatInteger);

    /// <summary>One of <paramref name="words"/> (any case); the refusal lists them in order.</summary>
    public static SettingValue<T> Words<T>(params IReadOnlyList<(string Word, T Value)> words) =>
        new(string.Join('|', words.Select(pair => pair.Word)), (string text, [MaybeNullWhen(false)] out T value, out string error) =>
        {
            foreach ((string word, T candidate) in words)
            {
                if (string.Equals(word, text, StringComparison.OrdinalIgnoreCase))
                {
                    value = candidate;
                    error = string.Empty;
                    return true;
                }
            }

            value = default;
            error = $"'{text}' is not one of {string.Join(", ", words.Select(pair => pair.Word))}";
            return false;
        }, value => words.First(pair => EqualityComparer<T>.Default.Equals(pair.Value, value)).Word);

    /// <summary>One of <paramref name="words"/>, as the word itself (exactly as listed, whatever case was written).</summary>
    public static SettingValue<string> Words(IReadOnlyList<string> words) => Words([.. words.Select(word => (word, word))]);

    /// <summary><paramref name="value"/>, or null for "not set" (written <paramref name="nullText"/> in help and reload lines).</summary>
    public static SettingValue<T?> OrNull<T>(SettingValue<T> value, string nullText)
        where T : struct => new(value.HelpName, (string text, out T? parsed, out string error) =>
        {
            bool ok = value.TryParse(text, out T inner, out error);
            parsed = ok ? inner : null;
            return ok;
        }, parsed => parsed is { } inner ? value.Format(inner) : nullText);

    /// <summary><paramref name="value"/>, or null for "not set" (written <paramref name="noneText"/>), for values that are objects.</summary>
    public static SettingValue<T?> OrNone<T>(SettingValue<T> value, string noneText)
        where T : class => new(value.HelpName, (string text, out T? parsed, out string error) =>
        {
            bool ok = value.TryParse(text, out T? inner, out error);
            parsed = ok ? inner : null;
            return ok;
        }, parsed => parsed is null ? noneText : value.Format(parsed));

    private static bool TryParseInteger(string text, out int value, out string error)
    {
        bool ok = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        error = ok ? string.Empty : $"'{text}' is not a whole number";
        return ok;
    }

    private static string FormatInteger(int value) => value.ToString(CultureInfo.InvariantCulture);
}
