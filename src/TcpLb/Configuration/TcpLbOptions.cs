namespace TcpLb.Configuration;

/// <summary>
/// Everything one <c>tcplb</c> process runs with: its listeners (each with its pool), how it drains, logs and
/// exposes its admin endpoint. Built from flags (<c>tcplb run --listen ...</c>) or from a config file.
/// </summary>
internal sealed record TcpLbOptions
{
    /// <summary>The listeners, each with its own pool, PROXY settings and timeouts.</summary>
    public required IReadOnlyList<ListenerOptions> Listeners { get; init; }

    /// <summary>On SIGTERM/SIGINT, the time open connections get to finish before the rest are reset.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Console logs and the access log.</summary>
    public LoggingOptions Logging { get; init; } = new();

    /// <summary>The admin HTTP endpoint (metrics, health, status).</summary>
    public AdminOptions Admin { get; init; } = new();

    /// <summary>The engine that carries connections.</summary>
    public EngineOptions Engine { get; init; } = new();
}
