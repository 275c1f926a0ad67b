namespace TcpLb.Configuration.Settings;

/// <summary>
/// A setting with a list of values: <c>acceptProxyFrom: ["10.0.0.0/8", "192.168.0.0/16"]</c> in the file (a single
/// value is a list of one), a flag given once per value on the command line. Each item is reported with its index.
/// </summary>
internal sealed class ListSetting<TOwner, T>(string key, SettingValue<T> item, Func<TOwner, IReadOnlyList<T>> get, Func<TOwner, IReadOnlyList<T>, TOwner> set)
    : Setting<TOwner>(key)
    where TOwner : class
{
    public string? Flag { get; init; }

    public string Help { get; init; } = string.Empty;

    /// <summary>When set, the setting is required and this says what to give.</summary>
    public string? Missing { get; init; }

    public override TOwner Read(ConfigNode section, TOwner owner)
    {
        ConfigNode list = section.Child(Key);
        if (!list.ExistsOrReport(Missing))
        {
            return owner;
        }

        var values = new List<T>();
        foreach (ConfigNode node in list.Items())
        {
            if (node.TryRead(item, out var value))
            {
                values.Add(value);
            }
        }

        return set(owner, values);
    }

    public override IEnumerable<SettingFlag<TOwner>> Flags(string parent, TOwner defaults)
    {
        if (Flag is null)
        {
            yield break;
        }

        IReadOnlyList<T> fallback = get(defaults);
        yield return new SettingFlag<TOwner>
        {
            Name = Flag,
            Setting = PathUnder(parent),
            Help = Help,
            HelpName = item.HelpName,
            Default = fallback.Count == 0 ? null : string.Join(", ", fallback.Select(item.Format)),
            Repeatable = true,
            Check = text => item.TryParse(text, out _, out string error) ? null : error,
            Apply = (owner, texts) => set(owner, [.. texts.Select(Parsed)]),
        };
    }

    public override IEnumerable<SettingChange> Changes(string parent, TOwner before, TOwner after)
    {
        string was = Format(get(before));
        string now = Format(get(after));
        if (was != now)
        {
            yield return new SettingChange(PathUnder(parent), was, now);
        }
    }

    public override IEnumerable<string> Paths(string parent) => [PathUnder(parent)];

    // Flag values reach Apply only after Check accepted them.
    private T Parsed(string text) => item.TryParse(text, out var value, out string error) ? value : throw new InvalidOperationException(error);

    private string Format(IReadOnlyList<T> values) => $"[{string.Join(", ", values.Select(item.Format))}]";
}
