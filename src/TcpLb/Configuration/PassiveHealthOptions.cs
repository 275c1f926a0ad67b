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
}
