namespace TcpLb.Configuration.Settings;

/// <summary>
/// A flag that sets a part of the options no single file key holds, as <c>--dns NAME:PORT</c> (the <c>dns</c>
/// section's name and port at once) or <c>--admin-listen ADDR:PORT|off</c> (<c>admin.listen</c> and <c>admin.enabled</c>).
/// </summary>
internal sealed class FlagSetting<TOwner, T>(string flag, string setting, SettingValue<T> value, Func<TOwner, T, TOwner> apply) : Setting<TOwner>(string.Empty)
    where TOwner : class
{
    public required string Help { get; init; }

    /// <summary>The value the options hold when the flag is not given, for <c>--help</c>; null when there is none to show.</summary>
    public Func<TOwner, T?>? Default { get; init; }

    public bool OverridesFile { get; init; }

    /// <summary>Another flag it cannot be given with.</summary>
    public string? Excludes { get; init; }

    public override TOwner Read(ConfigNode section, TOwner owner) => owner;

    public override IEnumerable<SettingFlag<TOwner>> Flags(string parent, TOwner defaults)
    {
        T? fallback = Default is null ? default : Default(defaults);
        yield return new SettingFlag<TOwner>
        {
            Name = flag,
            Setting = ConfigNode.Join(parent, setting),
            Help = Help,
            HelpName = value.HelpName,
            Default = fallback is null ? null : value.Format(fallback),
            OverridesFile = OverridesFile,
            Excludes = Excludes,
            Check = text => value.TryParse(text, out _, out string error) ? null : error,
            Apply = (owner, texts) => value.TryParse(texts[^1], out var parsed, out _) ? apply(owner, parsed) : owner,
        };
    }

    public override IEnumerable<SettingChange> Changes(string parent, TOwner before, TOwner after) => [];

    public override IEnumerable<string> Paths(string parent) => [];
}
