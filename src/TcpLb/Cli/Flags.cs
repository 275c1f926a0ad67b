using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.CommandLine.Parsing;

namespace TcpLb.Cli;

/// <summary>Builds options whose bad values fail parsing with a sentence naming the flag and the value.</summary>
internal static class Flags
{
    public delegate bool TryParse<T>(string text, [NotNullWhen(true)] out T? value, out string error);

    public static Option<T[]> Many<T>(string name, string description, TryParse<T> parse) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result => [.. result.Tokens.Select(token => ParseOne(result, name, token.Value, parse)!)],
    };

    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = $"{description} Default {Format(defaultValue)}.",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseOne<TimeSpan>(result, name, result.Tokens[0].Value, CommandLineValues.TryParseDuration),
    };

    public static Option<T> Choice<T>(string name, string description, T defaultValue, params (string Word, T Value)[] choices) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string word = result.Tokens[0].Value;
            foreach ((string choice, T value) in choices)
            {
                if (string.Equals(choice, word, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            result.AddError($"{name}: '{word}' is not one of {string.Join(", ", choices.Select(c => c.Word))}");
            return defaultValue;
        },
    };

    private static T? ParseOne<T>(ArgumentResult result, string name, string text, TryParse<T> parse)
    {
        if (parse(text, out T? value, out string error))
        {
            return value;
        }

        result.AddError($"{name}: {error}");
        return default;
    }

    private static string Format(TimeSpan value) =>
        value.TotalHours >= 1 && value.TotalHours == Math.Floor(value.TotalHours) ? $"{value.TotalHours}h"
        : value.TotalSeconds >= 1 ? $"{value.TotalSeconds}s"
        : $"{value.TotalMilliseconds}ms";
}
