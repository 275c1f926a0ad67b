namespace TcpLb.Configuration.Settings;

/// <summary>
/// A section that is either absent (null: the feature is off) or given with its settings, as <c>dns</c>: a reload that
/// turns it on or off says <c>dns off -> router.local:80</c>; one that keeps it says which of its settings changed.
/// </summary>
internal sealed class OptionalSectionSetting<TOwner, TSection>(
    string key, Func<TOwner, TSection?> get, Func<TOwner, TSection?, TOwner> set, Func<TSection> create, SettingSet<TSection> settings)
    : Setting<TOwner>(key)
    where TOwner : class
    where TSection : class
{
    /// <summary>Two settings of the section as the file writes them, for the message when a plain value stands where the section should.</summary>
    public required string Example { get; init; }

    /// <summary>The section in a few words, for the reload line when it is turned on or off.</summary>
    public required Func<TSection, string> Describe { get; init; }

    /// <summary>Whether the flags its settings declare are flags of the command line too (not when they serve another form, as a backend's do).</summary>
    public bool HasFlags { get; init; } = true;

    public override TOwner Read(ConfigNode section, TOwner owner)
    {
        ConfigNode node = section.Child(Key);
        return node.Exists && node.IsMapping(Example) ? set(owner, settings.Read(node, get(owner) ?? create())) : owner;
    }

    // A flag of the section sets it only where it is on (another flag turns it on: --dns).
    public override IEnumerable<SettingFlag<TOwner>> Flags(string parent, TOwner defaults) =>
        HasFlags ? settings.Flags(get(defaults) ?? create(), PathUnder(parent)).Select(flag => flag.Lift(get, set)) : [];

    public override IEnumerable<SettingChange> Changes(string parent, TOwner before, TOwner after) => (get(before), get(after)) switch
    {
        (null, null) => [],
        (null, { } now) => [new SettingChange(PathUnder(parent), "off", Describe(now))],
        ({ } was, null) => [new SettingChange(PathUnder(parent), Describe(was), "off")],
        ({ } was, { } now) => settings.Changes(was, now, PathUnder(parent)),
    };

    public override IEnumerable<string> Paths(string parent) => settings.Paths(PathUnder(parent));
}
