using TcpLb.Model;

namespace TcpLb.Diagnostics;

/// <summary>One word for a backend's state, the same in metrics, <c>/status</c> and <c>tcplb status</c>.</summary>
internal static class BackendStatus
{
    public const string Up = "up";
    public const string Down = "down";
    public const string Ejected = "ejected";
    public const string Draining = "draining";
    public const string Unresolved = "unresolved";

    /// <summary>Every state, in the order a gauge reports them.</summary>
    public static IReadOnlyList<string> All { get; } = [Up, Down, Ejected, Draining, Unresolved];

    /// <summary>
    /// Draining wins (the backend is leaving, whatever its health), then ejected (passive health, for a while),
    /// then unresolved (its host name does not resolve: nothing else can be known), then down (active checks); otherwise up.
    /// </summary>
    public static string Of(BackendState backend) =>
        backend.IsDraining ? Draining
        : backend.IsEjected ? Ejected
        : backend.ResolutionFailure is not null ? Unresolved
        : !backend.IsCheckedUp ? Down
        : Up;
}
