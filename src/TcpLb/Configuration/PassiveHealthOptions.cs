using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.PassiveHealthOptions>;

namespace TcpLb.Configuration;

/// <summary>
/// Passive health (Envoy's outlier detection): failures the backend caused on real connections eject it
/// for a back-off that grows while it keeps failing; a successful active check brings it back early.
/// </summary>
internal sealed record PassiveHealthOptions
{
    /// <summary>Consecutive connect failures or resets that eject a backend; 0 disables passive checks.</summary>
    public int ConsecutiveFailures { get; init; } = 5;

    /// <summary>Failures count as consecutive only within this window of each other.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first ejection's length; each further ejection in a row doubles it.</summary>
    public TimeSpan BaseEjection { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest ejection.</summary>
    public TimeSpan MaxEjection { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The settings under <c>passiveHealth</c>, and their <c>tcplb run</c> flags.</summary>
    public static SettingSet<PassiveHealthOptions> Settings { get; } = new(
        Value("failures", SettingValues.Count(0), o => o.ConsecutiveFailures, (o, v) => o with { ConsecutiveFailures = v },
            flag: "--passive-failures", help: "Connect failures or resets in a row that eject a backend. 0 = no passive checks."),
        Value("window", SettingValues.Duration, o => o.Window, (o, v) => o with { Window = v },
            help: "Failures count as in a row only this close to each other."),
        Value("ejection", SettingValues.Duration, o => o.BaseEjection, (o, v) => o with { BaseEjection = v },
            flag: "--passive-ejection", help: "First ejection's length; it doubles while the backend keeps failing."),
        Value("maxEjection", SettingValues.Duration, o => o.MaxEjection, (o, v) => o with { MaxEjection = v },
            help: "The longest ejection."));
}
