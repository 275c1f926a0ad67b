namespace TcpLb.Configuration.Settings;

/// <summary>A setting with one value: <c>retries: 3</c> in the file, <c>--retries 3</c> on the command line.</summary>
internal sealed class ValueSetting<TOwner, T>(string key, SettingValue<T> value, Func<TOwner, T> get, Func<TOwner, T, TOwner> set) : Setting<TOwner>(key)
    where TOwner : class
{
    /// <summary>The flag that sets it, or null when only the file does.</summary>
    public string? Flag { get; init; }

    /// <summary>One sentence for <c>--help</c>.</summary>
    public string Help { get; init; } = string.Empty;

    /// <summary>When set, the setting is required and this says what to give (<c>missing; give HOST:PORT, e.g. 10.0.0.5:80</c>).</summary>
    public string? Missing { get; init; }

    public ReloadEffect Reload { get; init; }

    /// <summary>The flag may be given with <c>--config</c> and overrides the file.</summary>
    public bool OverridesFile { get; init; }

    public SettingValue<T> Value => value;

    public override TOwner Read(ConfigNode section, TOwner owner)
    {
        ConfigNode node = section.Child(Key);
        if (!node.ExistsOrReport(Missing))
        {
            return owner;
        }

        return node.TryRead(value, out var parsed) ? set(owner, parsed) : owner;
    }

    public override IEnumerable<SettingFlag<TOwner>> Flags(string parent, TOwner defaults)
    {
        if (Flag is null)
        {
            yield break;
        }

        // A true/false setting that is off by default is a switch: the flag alone turns it on.
        bool isSwitch = ReferenceEquals(value, SettingValues.Bool);
        T fallback = get(defaults);
        yield return new SettingFlag<TOwner>
        {
            Name = Flag,
            Setting = PathUnder(parent),
            Help = Help,
            HelpName = isSwitch ? null : value.HelpName,
            Default = isSwitch || fallback is null ? null : value.Format(fallback),
            OverridesFile = OverridesFile,
            Check = text => value.TryParse(text, out _, out string error) ? null : error,
            Apply = (owner, texts) => value.TryParse(texts[^1], out var parsed, out _) ? set(owner, parsed) : owner,
        };
    }

    public override IEnumerable<SettingChange> Changes(string parent, TOwner before, TOwner after)
    {
        string was = value.Format(get(before));
        string now = value.Format(get(after));
        if (was != now)
        {
            yield return new SettingChange(PathUnder(parent), was, now, Reload);
        }
    }

    public override IEnumerable<string> Paths(string parent) => [PathUnder(parent)];
}
