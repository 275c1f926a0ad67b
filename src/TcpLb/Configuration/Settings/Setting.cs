namespace TcpLb.Configuration.Settings;

/// <summary>
/// One setting of an options record <typeparamref name="TOwner"/>, declared once next to its property: a value, a
/// list, a section of settings under a key, or a flag with no key of its own. Everything that reads, sets, shows or
/// compares settings goes through these declarations: the config-file reader, the <c>tcplb run</c> flags and their
/// <c>--help</c>, the reload line, the example file's test. No reflection: each declaration holds its getter and its
/// <c>with</c> setter (Native AOT).
/// </summary>
internal abstract class Setting<TOwner>(string key)
    where TOwner : class
{
    /// <summary>The key in the config file, within its section (<c>connect</c> under <c>timeouts</c>); empty for a flag-only setting.</summary>
    public string Key { get; } = key;

    /// <summary>Reads the setting from its section's node of the file onto <paramref name="owner"/>; problems are reported on the node.</summary>
    public abstract TOwner Read(ConfigNode section, TOwner owner);

    /// <summary>The flags that set it; <paramref name="parent"/> is its section's path, <paramref name="defaults"/> the options its defaults are read from.</summary>
    public abstract IEnumerable<SettingFlag<TOwner>> Flags(string parent, TOwner defaults);

    /// <summary>What differs between <paramref name="before"/> and <paramref name="after"/>, one change per setting.</summary>
    public abstract IEnumerable<SettingChange> Changes(string parent, TOwner before, TOwner after);

    /// <summary>The path of every key the file accepts here (<c>timeouts.connect</c>).</summary>
    public abstract IEnumerable<string> Paths(string parent);

    /// <summary>This setting's path: its key under <paramref name="parent"/>.</summary>
    protected string PathUnder(string parent) => ConfigNode.Join(parent, Key);
}
