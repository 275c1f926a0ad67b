namespace TcpLb.Health;

/// <summary>The verdict of one check, and a few words for the log line of a transition ("connect refused", "HTTP 503").</summary>
internal readonly record struct HealthProbeResult(bool Healthy, string Reason)
{
    public static HealthProbeResult Pass(string reason) => new(true, reason);

    public static HealthProbeResult Fail(string reason) => new(false, reason);
}
