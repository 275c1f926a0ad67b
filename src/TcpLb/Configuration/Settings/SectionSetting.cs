namespace TcpLb.Configuration.Settings;

/// <summary>Settings grouped under a key, held by a record of their own: <c>timeouts: {connect: 5s, clientIdle: 1h}</c>.</summary>
internal sealed class SectionSetting<TOwner, TSection>(string key, Func<TOwner, TSection> get, Func<TOwner, TSection, TOwner> set, SettingSet<TSection> settings)
    : Setting<TOwner>(key)
    where TOwner : class
    where TSection : class
{
    /// <summary>Two settings of the section as the file writes them, for the message when a plain value stands where the section should.</summary>
    public required string Example { get; init; }

    public override TOwner Read(ConfigNode section, TOwner owner)
    {
        ConfigNode node = section.Child(Key);
        return node.IsMapping(Example) ? set(owner, settings.Read(node, get(owner))) : owner;
    }

    public override IEnumerable<SettingFlag<TOwner>> Flags(string parent, TOwner defaults) =>
        settings.Flags(get(defaults), PathUnder(parent)).Select(flag => flag.Lift(get, set));

    public override IEnumerable<SettingChange> Changes(string parent, TOwner before, TOwner after) =>
        settings.Changes(get(before), get(after), PathUnder(parent));

    public override IEnumerable<string> Paths(string parent) => settings.Paths(PathUnder(parent));
}
