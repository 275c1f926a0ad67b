using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using TcpLb.Configuration.Settings;
using YamlDotNet.Core;

namespace TcpLb.Configuration.File;

/// <summary>
/// Loads a config file: YAML (<c>.yaml</c>, <c>.yml</c>) or JSON (<c>.json</c>), read through
/// Microsoft.Extensions.Configuration, then environment variables named <c>TCPLB__</c> + the path with <c>__</c>
/// between keys (<c>TCPLB__LISTENERS__0__BALANCE=round-robin</c>) override it, for containers.
/// </summary>
internal static class ConfigFile
{
    /// <summary>What <c>tcplb run</c> reads when given neither <c>--config</c> nor any flag.</summary>
    public const string DefaultName = "tcplb.yaml";

    public const string EnvironmentPrefix = "TCPLB__";

    /// <summary>
    /// The options in <paramref name="path"/>, or every problem found (each a line <c>path: why</c>, the caller
    /// names the file). A file that cannot be read or parsed is one problem, with the line and column when the
    /// parser gives them.
    /// </summary>
    /// <param name="environment">The variables to take overrides from; the process's when null (tests pass their own).</param>
    /// <param name="check">The check of the whole configuration beyond its settings: the routes (<c>RoutingCheck.Check</c>).</param>
    public static ConfigLoadResult Load(string path, IDictionary? environment = null, OptionsCheck? check = null)
    {
        var problems = new ConfigProblems();
        string fullPath = Path.GetFullPath(path);
        var builder = new ConfigurationBuilder();
        try
        {
            string text = System.IO.File.ReadAllText(fullPath);
            switch (Path.GetExtension(fullPath).ToLowerInvariant())
            {
                case ".yaml" or ".yml":
                    builder.Add(new YamlConfigurationProvider.Source(text));
                    break;
                case ".json":
                    builder.AddJsonFile(fullPath, optional: false, reloadOnChange: false);
                    break;
                default:
                    problems.Add(string.Empty, "unknown file type; name it .yaml, .yml or .json");
                    return new ConfigLoadResult(null, problems.Lines);
            }

            builder.AddInMemoryCollection(Overrides(environment ?? Environment.GetEnvironmentVariables()));
            IConfigurationRoot configuration = builder.Build();
            return new ConfigLoadResult(TcpLbOptionsReader.Read(configuration, problems, check), problems.Lines);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or YamlException or InvalidDataException or FormatException or JsonException)
        {
            problems.Add(string.Empty, Describe(exception));
            return new ConfigLoadResult(null, problems.Lines);
        }
    }

    /// <summary>
    /// The <c>TCPLB__</c> variables as configuration keys (<c>TCPLB__LISTENERS__0__BALANCE</c> →
    /// <c>LISTENERS:0:BALANCE</c>), as the standard environment provider maps them, but from a given set.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> Overrides(IDictionary environment)
    {
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > EnvironmentPrefix.Length)
            {
                yield return new(name[EnvironmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), entry.Value as string);
            }
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        UnauthorizedAccessException => "cannot be read (permission denied)",
        YamlException yaml => $"not valid YAML at line {yaml.Start.Line}, column {yaml.Start.Column}: {InnermostYaml(yaml).Message}",
        InvalidDataException when Find<JsonException>(exception) is { } json => $"not valid JSON at line {json.LineNumber + 1}, position {json.BytePositionInLine + 1}: {FirstSentence(json.Message)}",
        InvalidDataException { InnerException: { } inner } => $"cannot be read: {Innermost(inner).Message}",
        _ => exception.Message,
    };

    private static T? Find<T>(Exception? exception)
        where T : Exception => exception switch
        {
            null => null,
            T found => found,
            _ => Find<T>(exception.InnerException),
        };

    // YamlDotNet nests the precise error inside a general one; its message has no position prefix.
    private static YamlException InnermostYaml(YamlException exception) => exception.InnerException is YamlException inner ? InnermostYaml(inner) : exception;

    private static Exception Innermost(Exception exception) => exception.InnerException is { } inner ? Innermost(inner) : exception;

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0];
}
