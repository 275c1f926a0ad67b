namespace TcpLb.Configuration.Settings;

/// <summary>
/// A command-line flag as a setting declares it, free of any command-line library: its name, what <c>--help</c> says
/// about it, how its text is checked and how it sets the options. <c>Cli/</c> turns these into the <c>tcplb</c> flags.
/// </summary>
internal sealed class SettingFlag<TOwner>
    where TOwner : class
{
    /// <summary>As typed: <c>--connect-timeout</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The path of the setting it sets, as the config file names it (<c>timeouts.connect</c>): rule messages about that setting name this flag.</summary>
    public required string Setting { get; init; }

    public required string Help { get; init; }

    /// <summary>What <c>--help</c> shows for the value (<c>DURATION</c>, <c>v1|v2|off</c>); null for a switch, which takes none.</summary>
    public string? HelpName { get; init; }

    /// <summary>The default as the parser reads it (<c>5s</c>), shown by <c>--help</c>; null when there is none to show.</summary>
    public string? Default { get; init; }

    /// <summary>Given once per value (<c>--backend a --backend b</c>).</summary>
    public bool Repeatable { get; init; }

    /// <summary>May be given with <c>--config</c>, whose value it then overrides (the log and admin flags).</summary>
    public bool OverridesFile { get; init; }

    /// <summary>Another flag it cannot be given with.</summary>
    public string? Excludes { get; init; }

    /// <summary>The refusal of one value's text (parsed as the setting parses it), or null when it is good.</summary>
    public required Func<string, string?> Check { get; init; }

    /// <summary>Sets the values given (each already checked) on the options.</summary>
    public required Func<TOwner, IReadOnlyList<string>, TOwner> Apply { get; init; }

    /// <summary>
    /// This flag as one of the settings of <typeparamref name="TParent"/>, whose <paramref name="get"/> holds the options it
    /// sets; when <paramref name="get"/> gives null (an optional section not set, as <c>dns</c>), the flag changes nothing.
    /// </summary>
    public SettingFlag<TParent> Lift<TParent>(Func<TParent, TOwner?> get, Func<TParent, TOwner, TParent> set)
        where TParent : class => new()
        {
            Name = Name,
            Setting = Setting,
            Help = Help,
            HelpName = HelpName,
            Default = Default,
            Repeatable = Repeatable,
            OverridesFile = OverridesFile,
            Excludes = Excludes,
            Check = Check,
            Apply = (parent, texts) => get(parent) is { } owner ? set(parent, Apply(owner, texts)) : parent,
        };
}
