namespace TcpLb.Configuration.Settings;

/// <summary>
/// A setting of the section <typeparamref name="TSection"/> written at its owner's level, without a key of the section's
/// own: a listener's <c>backends</c> and <c>balance</c> are the settings of its own pool (<see cref="PoolOptions"/>), in
/// the file beside <c>listen</c>, as <c>pools.web.backends</c> are under their pool's name. Declared once for both places.
/// </summary>
internal sealed class InlineSetting<TOwner, TSection>(Setting<TSection> inner, Func<TOwner, TSection> get, Func<TOwner, TSection, TOwner> set)
    : Setting<TOwner>(inner.Key)
    where TOwner : class
    where TSection : class
{
    public override TOwner Read(ConfigNode section, TOwner owner) => set(owner, inner.Read(section, get(owner)));

    public override IEnumerable<SettingFlag<TOwner>> Flags(string parent, TOwner defaults) =>
        inner.Flags(parent, get(defaults)).Select(flag => flag.Lift(get, set));

    public override IEnumerable<SettingChange> Changes(string parent, TOwner before, TOwner after) => inner.Changes(parent, get(before), get(after));

    public override IEnumerable<string> Paths(string parent) => inner.Paths(parent);
}
