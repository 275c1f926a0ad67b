using TcpLb.Model;

namespace TcpLb.Diagnostics;

/// <summary>One word for a backend's state, the same in metrics, <c>/status</c> and <c>tcplb status</c>.</summary>
internal static class BackendStatus
{
    public const string Up = "up";
    public const string Down = "down";
    public const string Ejected = "ejected";
    public const string Draining = "draining";

    /// <summary>Every state, in the order a gauge reports them.</summary>
    public static IReadOnlyList<string> All { get; } = [Up, Down, Ejected, Draining];

    /// <summary>
    /// Draining wins (the backend is leaving, whatever its health), then ejected (passive health, for a while),
    /// then down (active checks); otherwise up.
    /// </summary>
    public static string Of(BackendState backend) =>
        backend.IsDraining ? Draining
        : backend.IsEjected ? Ejected
        : !backend.IsCheckedUp ? Down
        : Up;
}
