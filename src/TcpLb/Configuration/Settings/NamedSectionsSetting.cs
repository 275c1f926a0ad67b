namespace TcpLb.Configuration.Settings;

/// <summary>
/// Sections of settings under names the file chooses, as <c>pools: {ws: {backends: [...]}, web: {...}}</c>: each name is
/// checked (<see cref="NameRule"/>), each section read with the same settings and checked by the same rules, with paths
/// such as <c>pools.ws.balance</c>. A reload names the sections that came, went or changed: <c>+pool ws</c>,
/// <c>-pool web (draining)</c>, <c>pool ws balance round-robin -> least-connections</c>. No flags: names are the file's.
/// </summary>
internal sealed class NamedSectionsSetting<TOwner, TItem>(
    string key, Func<TOwner, IReadOnlyList<TItem>> get, Func<TOwner, IReadOnlyList<TItem>, TOwner> set, Func<string, TItem> create,
    Func<TItem, string> nameOf, SettingSet<TItem> settings)
    : Setting<TOwner>(key)
    where TOwner : class
    where TItem : class
{
    /// <summary>What one section is called in the reload line: <c>pool</c>.</summary>
    public required string Noun { get; init; }

    /// <summary>Two sections as the file writes them, for the message when a plain value stands where they should.</summary>
    public required string Example { get; init; }

    /// <summary>Why a name cannot be one, or null when it can.</summary>
    public Func<string, string?>? NameRule { get; init; }

    /// <summary>The rules across one section's settings, with paths relative to the section.</summary>
    public Func<TItem, IEnumerable<SettingProblem>>? Rules { get; init; }

    public override TOwner Read(ConfigNode section, TOwner owner)
    {
        ConfigNode node = section.Child(Key);
        if (!node.Exists || !node.IsMapping(Example))
        {
            return owner;
        }

        var items = new List<TItem>();
        foreach ((string name, ConfigNode entry) in node.Entries())
        {
            if (NameRule?.Invoke(name) is { } refusal)
            {
                entry.Problem(refusal);
            }

            TItem item = create(name);
            if (entry.IsMapping(Example))
            {
                item = settings.Read(entry, item);
                foreach (SettingProblem problem in Rules?.Invoke(item) ?? [])
                {
                    string path = ConfigNode.Join(entry.Path, problem.Setting);
                    if (!entry.Problems.HasAtOrBelow(path))
                    {
                        entry.Problems.Add(path, problem.Message);
                    }
                }
            }

            items.Add(item);
        }

        return set(owner, items);
    }

    public override IEnumerable<SettingFlag<TOwner>> Flags(string parent, TOwner defaults) => [];

    public override IEnumerable<SettingChange> Changes(string parent, TOwner before, TOwner after)
    {
        Dictionary<string, TItem> was = get(before).ToDictionary(nameOf, StringComparer.Ordinal);
        Dictionary<string, TItem> now = get(after).ToDictionary(nameOf, StringComparer.Ordinal);
        foreach (string added in now.Keys.Where(name => !was.ContainsKey(name)))
        {
            yield return new SettingChange($"{Noun} {added}", null, string.Empty);
        }

        foreach (string removed in was.Keys.Where(name => !now.ContainsKey(name)))
        {
            yield return new SettingChange($"{Noun} {removed}", string.Empty, null);
        }

        foreach ((string name, TItem item) in now)
        {
            if (was.TryGetValue(name, out TItem? old))
            {
                foreach (SettingChange change in settings.Changes(old, item))
                {
                    yield return change with { Setting = $"{Noun} {name} {change.Setting}" };
                }
            }
        }
    }

    /// <summary>The keys under any name, written with <c>NAME</c> in its place (<c>pools.NAME.balance</c>).</summary>
    public override IEnumerable<string> Paths(string parent) => settings.Paths(ConfigNode.Join(PathUnder(parent), "NAME"));
}
