using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace TcpLb.Configuration.Settings;

/// <summary>
/// One place in the config file being read (<c>listeners[1].backends[0]</c>), which the setting declarations map
/// by hand onto the options records: no reflection binder (the binary is published Native AOT), and every problem is
/// reported with its exact path into one shared list instead of stopping at the first.
/// </summary>
internal sealed class ConfigNode
{
    private readonly IConfiguration _configuration;

    public ConfigNode(IConfiguration configuration, string path, ConfigProblems problems)
    {
        _configuration = configuration;
        Path = path;
        Problems = problems;
    }

    /// <summary>Where this node is, as messages write it; empty for the file's root.</summary>
    public string Path { get; }

    public ConfigProblems Problems { get; }

    /// <summary>Given in the file (or the environment), with a value or with settings under it.</summary>
    public bool Exists => _configuration is IConfigurationSection section ? section.Exists() : _configuration.GetChildren().Any();

    /// <summary>Like <see cref="Exists"/>; an absent required setting (<paramref name="missing"/> set: what to give) is reported.</summary>
    public bool ExistsOrReport(string? missing)
    {
        if (!Exists && missing is not null)
        {
            Problem(missing);
        }

        return Exists;
    }

    /// <summary>Holds one plain value (no settings or list under it).</summary>
    public bool IsValue => Exists && !HasChildren;

    private string? Value => (_configuration as IConfigurationSection)?.Value;

    private bool HasChildren => _configuration.GetChildren().Any();

    public ConfigNode Child(string key) => new(_configuration.GetSection(key), Join(Path, key), Problems);

    public void Problem(string message) => Problems.Add(Path, message);

    /// <summary>Reports every key under this node that is not one of <paramref name="known"/>: a typo must not pass silently.</summary>
    public void OnlyKeys(params string[] known)
    {
        foreach (IConfigurationSection child in _configuration.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                string? near = EditDistance.Nearest(known, child.Key, 2);
                Problems.Add(Join(Path, child.Key), near is null
                    ? $"unknown setting; known here: {string.Join(", ", known)}"
                    : $"unknown setting; did you mean {near}?");
            }
        }
    }

    /// <summary>
    /// True when this node holds settings (or is absent or empty, which means all defaults); a plain value where
    /// settings are expected is reported.
    /// </summary>
    public bool IsMapping(string example)
    {
        if (HasChildren || string.IsNullOrEmpty(Value))
        {
            return true;
        }

        Problem($"expected settings such as {example}, not the value '{Value}'");
        return false;
    }

    /// <summary>The items of a list, in order; a single value stands for a list of one (<c>listen: "*:80"</c>).</summary>
    public IReadOnlyList<ConfigNode> Items()
    {
        List<IConfigurationSection> children = [.. _configuration.GetChildren()];
        if (children.Count == 0)
        {
            return string.IsNullOrEmpty(Value) ? [] : [this];
        }

        var items = new SortedDictionary<int, ConfigNode>();
        foreach (IConfigurationSection child in children)
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                Problem("expected a list (- item per line, or [a, b]), not settings");
                return [];
            }

            items[index] = new ConfigNode(child, $"{Path}[{index}]", Problems);
        }

        return [.. items.Values];
    }

    /// <summary>
    /// The settings under this node by name, in the file's order of keys (<c>pools: {ws: {...}, web: {...}}</c>); a list here
    /// is reported. Each entry is the name as written and its node.
    /// </summary>
    public IReadOnlyList<(string Name, ConfigNode Node)> Entries()
    {
        var entries = new List<(string Name, ConfigNode Node)>();
        foreach (IConfigurationSection child in _configuration.GetChildren())
        {
            if (int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                Problem("expected settings by name (name: {...} per line), not a list");
                return [];
            }

            entries.Add((child.Key, new ConfigNode(child, Join(Path, child.Key), Problems)));
        }

        return entries;
    }

    /// <summary>True with the parsed value when this node holds a valid <paramref name="kind"/>; false when absent, or wrong (reported).</summary>
    public bool TryRead<T>(SettingValue<T> kind, [MaybeNullWhen(false)] out T value)
    {
        value = default;
        if (!Exists)
        {
            return false;
        }

        if (HasChildren)
        {
            Problem("expected a single value, not a list or settings");
            return false;
        }

        if (kind.TryParse(Value!, out value, out string error))
        {
            return true;
        }

        Problem(error);
        return false;
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
