namespace TcpLb.Configuration.Settings;

/// <summary>
/// One setting a reload changed, written from what to what: <c>timeouts.connect 5s -> 2s</c>; an item of a list that
/// came or went is <c>+backend 10.0.0.7:80</c> or <c>-backend 10.0.0.5:80 (draining)</c>.
/// </summary>
/// <param name="Setting">Its path, as the config file names it.</param>
/// <param name="Before">The old value as the file would write it; null for an item that was added.</param>
/// <param name="After">The new value; null for an item that was removed.</param>
/// <param name="Effect">What the reload does with it.</param>
internal readonly record struct SettingChange(string Setting, string? Before, string? After, ReloadEffect Effect = ReloadEffect.NewConnections)
{
    public override string ToString() => (Before, After) switch
    {
        (null, _) => $"+{Setting}",
        (_, null) => $"-{Setting} (draining)",
        _ when Effect == ReloadEffect.Restart => $"{Setting} {Before} -> {After} (takes effect on restart)",
        _ => $"{Setting} {Before} -> {After}",
    };
}
