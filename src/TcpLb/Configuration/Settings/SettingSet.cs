namespace TcpLb.Configuration.Settings;

/// <summary>
/// The settings of one options record, in the order the file is read and <c>--help</c> lists their flags: a section
/// of the config file (<c>timeouts</c>, a listener) or the file's root.
/// </summary>
internal sealed class SettingSet<TOwner>(params IReadOnlyList<Setting<TOwner>> settings)
    where TOwner : class
{
    private readonly string[] _keys = [.. settings.Select(setting => setting.Key).Where(key => key.Length > 0)];

    public IReadOnlyList<Setting<TOwner>> Items => settings;

    /// <summary>Reads the section at <paramref name="node"/> onto <paramref name="owner"/>; any key not declared here is reported.</summary>
    public TOwner Read(ConfigNode node, TOwner owner)
    {
        node.OnlyKeys(_keys);
        foreach (Setting<TOwner> setting in settings)
        {
            owner = setting.Read(node, owner);
        }

        return owner;
    }

    /// <summary>The flags of every setting, in declaration order; defaults are read from <paramref name="defaults"/>.</summary>
    public IEnumerable<SettingFlag<TOwner>> Flags(TOwner defaults, string parent = "") => settings.SelectMany(setting => setting.Flags(parent, defaults));

    /// <summary>What a reload from <paramref name="before"/> to <paramref name="after"/> changes, in declaration order.</summary>
    public IEnumerable<SettingChange> Changes(TOwner before, TOwner after, string parent = "") =>
        settings.SelectMany(setting => setting.Changes(parent, before, after));

    /// <summary>The path of every key the file accepts in this section and below.</summary>
    public IEnumerable<string> Paths(string parent = "") => settings.SelectMany(setting => setting.Paths(parent));

    /// <summary>These settings written at the level of <typeparamref name="TParent"/>, which holds them in <paramref name="get"/> (<see cref="InlineSetting{TOwner, TSection}"/>).</summary>
    public IEnumerable<Setting<TParent>> Inline<TParent>(Func<TParent, TOwner> get, Func<TParent, TOwner, TParent> set)
        where TParent : class => settings.Select(setting => new InlineSetting<TParent, TOwner>(setting, get, set));
}
