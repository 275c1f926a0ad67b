namespace TcpLb.Configuration.Settings;

/// <summary>
/// Declares the settings of the options record <typeparamref name="TOwner"/> in one readable row each. A record's file
/// opens it with <c>using static</c>, so a row reads
/// <c>Value("retries", SettingValues.Count(0), o => o.Retries, (o, v) => o with { Retries = v }, flag: "--retries", help: "...")</c>.
/// </summary>
internal static class Declare<TOwner>
    where TOwner : class
{
    /// <summary>A setting with one value.</summary>
    public static ValueSetting<TOwner, T> Value<T>(
        string key, SettingValue<T> value, Func<TOwner, T> get, Func<TOwner, T, TOwner> set, string help,
        string? flag = null, string? missing = null, ReloadEffect reload = ReloadEffect.NewConnections, bool overridesFile = false) =>
        new(key, value, get, set) { Flag = flag, Help = help, Missing = missing, Reload = reload, OverridesFile = overridesFile };

    /// <summary>A setting with a list of values, its flag given once per value.</summary>
    public static ListSetting<TOwner, T> List<T>(
        string key, SettingValue<T> item, Func<TOwner, IReadOnlyList<T>> get, Func<TOwner, IReadOnlyList<T>, TOwner> set, string help,
        string? flag = null, string? missing = null) =>
        new(key, item, get, set) { Flag = flag, Help = help, Missing = missing };

    /// <summary>Settings under a key, held by the record <typeparamref name="TSection"/>.</summary>
    public static SectionSetting<TOwner, TSection> Section<TSection>(
        string key, Func<TOwner, TSection> get, Func<TOwner, TSection, TOwner> set, SettingSet<TSection> settings, string example)
        where TSection : class =>
        new(key, get, set, settings) { Example = example };

    /// <summary>Settings under a key that may be absent (null: off).</summary>
    public static OptionalSectionSetting<TOwner, TSection> OptionalSection<TSection>(
        string key, Func<TOwner, TSection?> get, Func<TOwner, TSection?, TOwner> set, Func<TSection> create, SettingSet<TSection> settings,
        string example, Func<TSection, string> describe, bool hasFlags = true)
        where TSection : class =>
        new(key, get, set, create, settings) { Example = example, Describe = describe, HasFlags = hasFlags };

    /// <summary>A flag that sets what no single key holds.</summary>
    public static FlagSetting<TOwner, T> Flag<T>(
        string flag, string setting, SettingValue<T> value, Func<TOwner, T, TOwner> apply, string help,
        Func<TOwner, T?>? fallback = null, bool overridesFile = false, string? excludes = null) =>
        new(flag, setting, value, apply) { Help = help, Default = fallback, OverridesFile = overridesFile, Excludes = excludes };

}
