namespace TcpLb.Configuration.Settings;

/// <summary>
/// A list whose items are sections of settings: the listeners, a listener's backends. An item may also be written in
/// the flag's short form (<c>"10.0.0.5:80,weight=2"</c>) when the list has one, and the list's rules run on each item.
/// A reload names the items that came, went or changed by their identity (<c>+backend 10.0.0.7:80</c>).
/// </summary>
internal sealed class SectionListSetting<TOwner, TItem>(
    string key, Func<TOwner, IReadOnlyList<TItem>> get, Func<TOwner, IReadOnlyList<TItem>, TOwner> set, Func<TItem> create, SettingSet<TItem> settings)
    : Setting<TOwner>(key)
    where TOwner : class
    where TItem : class
{
    /// <summary>Two settings of an item as the file writes them, for the message when an item is neither a section nor the short form.</summary>
    public required string Example { get; init; }

    /// <summary>The item in one string, as its flag takes it; null when items are only sections.</summary>
    public SettingValue<TItem>? ShortForm { get; init; }

    /// <summary>The flag that adds an item in <see cref="ShortForm"/>, once per item.</summary>
    public string? Flag { get; init; }

    public string Help { get; init; } = string.Empty;

    /// <summary>When set, an empty list is a problem and this says what to give.</summary>
    public string? Empty { get; init; }

    /// <summary>The rules across one item's settings, with paths relative to the item.</summary>
    public Func<TItem, IEnumerable<SettingProblem>>? Rules { get; init; }

    /// <summary>How a reload names an item and knows it again (<c>backend 10.0.0.5:80</c>); null when reloads match items otherwise.</summary>
    public Func<TItem, string>? Identity { get; init; }

    /// <summary>
    /// For a list whose items have no identity (routes, in order): an item in a few words, and a reload that changes the list
    /// says it whole, from what to what (<c>routes [{sni: a.example.com} -> a] -> [...]</c>).
    /// </summary>
    public Func<TItem, string>? Describe { get; init; }

    /// <summary>Absent from the file, the list leaves the owner as it is (a route without <c>proxyTlvs</c> keeps its listener's).</summary>
    public bool Optional { get; init; }

    public override TOwner Read(ConfigNode section, TOwner owner)
    {
        ConfigNode list = section.Child(Key);
        IReadOnlyList<ConfigNode> nodes = list.Items();
        if (nodes.Count == 0 && Empty is not null && list.Problems.Count == 0)
        {
            list.Problem(Empty);
        }

        if (Optional && !list.Exists)
        {
            return owner;
        }

        // A wrong item still takes its place (at its defaults), so the index of every later one stays the file's.
        var items = new List<TItem>();
        foreach (ConfigNode node in nodes)
        {
            if (ShortForm is not null && node.IsValue)
            {
                items.Add(node.TryRead(ShortForm, out var item) ? item : create());
            }
            else
            {
                items.Add(node.IsMapping(Example) ? Check(node, settings.Read(node, create())) : create());
            }
        }

        return set(owner, items);
    }

    public override IEnumerable<SettingFlag<TOwner>> Flags(string parent, TOwner defaults)
    {
        if (Flag is null || ShortForm is not { } shortForm)
        {
            yield break;
        }

        yield return new SettingFlag<TOwner>
        {
            Name = Flag,
            Setting = PathUnder(parent),
            Help = Help,
            HelpName = shortForm.HelpName,
            Repeatable = true,
            Check = text => shortForm.TryParse(text, out _, out string error) ? null : error,
            Apply = (owner, texts) => set(owner, [.. texts.Select(text => shortForm.TryParse(text, out var item, out string error) ? item : throw new InvalidOperationException(error))]),
        };
    }

    public override IEnumerable<SettingChange> Changes(string parent, TOwner before, TOwner after)
    {
        if (Identity is null)
        {
            if (Describe is not null && Written(get(before)) is var listBefore && Written(get(after)) is var listAfter && listBefore != listAfter)
            {
                yield return new SettingChange(PathUnder(parent), listBefore, listAfter);
            }

            yield break;
        }

        // Matched by identity: the first of equal ones counts, as a pool keeps the first backend of an address.
        Dictionary<string, TItem> was = Index(get(before));
        Dictionary<string, TItem> now = Index(get(after));
        foreach (string added in now.Keys.Where(id => !was.ContainsKey(id)))
        {
            yield return new SettingChange(added, null, string.Empty);
        }

        foreach (string removed in was.Keys.Where(id => !now.ContainsKey(id)))
        {
            yield return new SettingChange(removed, string.Empty, null);
        }

        foreach ((string id, TItem item) in now)
        {
            if (was.TryGetValue(id, out TItem? old))
            {
                foreach (SettingChange change in settings.Changes(old, item))
                {
                    yield return change with { Setting = $"{id} {change.Setting}" };
                }
            }
        }
    }

    public override IEnumerable<string> Paths(string parent) => settings.Paths(PathUnder(parent));

    // The list's rules, each reported at its path unless a problem of that setting was reported already (it would only repeat it).
    private TItem Check(ConfigNode node, TItem item)
    {
        foreach (SettingProblem problem in Rules?.Invoke(item) ?? [])
        {
            string path = ConfigNode.Join(node.Path, problem.Setting);
            if (!node.Problems.HasAtOrBelow(path))
            {
                node.Problems.Add(path, problem.Message);
            }
        }

        return item;
    }

    private string Written(IReadOnlyList<TItem> items) => $"[{string.Join(", ", items.Select(Describe!))}]";

    private Dictionary<string, TItem> Index(IReadOnlyList<TItem> items)
    {
        var index = new Dictionary<string, TItem>(StringComparer.Ordinal);
        foreach (TItem item in items)
        {
            index.TryAdd(Identity!(item), item);
        }

        return index;
    }
}
