using System.Net;
using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.TcpLbOptions>;

namespace TcpLb.Configuration;

/// <summary>
/// Everything one <c>tcplb</c> process runs with: its listeners, the named pools they share, how it drains, logs and
/// exposes its admin endpoint. Built from flags (<c>tcplb run --listen ...</c>) or from a config file.
/// </summary>
internal sealed record TcpLbOptions
{
    /// <summary>The listeners, each with its own pool or routes to named pools, PROXY settings and timeouts.</summary>
    public required IReadOnlyList<ListenerOptions> Listeners { get; init; }

    /// <summary>The named pools (HAProxy backends) listeners send to by <c>routes</c> and <c>defaultPool</c>, shared by them.</summary>
    public IReadOnlyList<PoolOptions> Pools { get; init; } = [];

    /// <summary>On SIGTERM/SIGINT, the time open connections get to finish before the rest are reset.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Console logs and the access log.</summary>
    public LoggingOptions Logging { get; init; } = new();

    /// <summary>The admin HTTP endpoint (metrics, health, status).</summary>
    public AdminOptions Admin { get; init; } = new();

    /// <summary>The engine that carries connections and its event loops.</summary>
    public EngineOptions Engine { get; init; } = new();

    // --admin-listen ADDR:PORT|off: where the admin endpoint listens, or null for none. Declared before Settings, which reads it.
    private static readonly SettingValue<IPEndPoint?> s_adminListen = new("ADDR:PORT|off", static (string text, out IPEndPoint? listen, out string error) =>
    {
        listen = null;
        error = string.Empty;
        if (string.Equals(text, "off", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (SettingValues.ListenEndPoint.TryParse(text, out listen, out error))
        {
            return true;
        }

        error += ", or off";
        return false;
    }, static listen => listen?.ToString() ?? "off");

    /// <summary>
    /// The settings of the whole file (its root keys) and the process-wide flags of <c>tcplb run</c>: the listeners,
    /// then what a process reads once at start (drain, logs, admin endpoint, engine).
    /// </summary>
    public static SettingSet<TcpLbOptions> Settings { get; } = new(
        new SectionListSetting<TcpLbOptions, ListenerOptions>("listeners", o => o.Listeners, (o, v) => o with { Listeners = v },
            () => new ListenerOptions { Listen = [], Backends = [] }, ListenerOptions.Settings)
        {
            Example = "{listen: [\"127.0.0.1:8080\"], backends: [...]}",
            Empty = "no listener: give at least one, e.g. - {listen: [\"127.0.0.1:8080\"], backends: [\"10.0.0.5:80\"]}",
            Rules = listener => ListenerRules.Check(listener, ListenerRules.FileNames),
        },
        new NamedSectionsSetting<TcpLbOptions, PoolOptions>("pools", o => o.Pools, (o, v) => o with { Pools = v }, name => new PoolOptions { Name = name },
            pool => pool.Name, PoolOptions.Settings)
        {
            Noun = "pool",
            Example = "{web: {backends: [\"10.0.0.12:80\"], balance: round-robin}}",
            NameRule = PoolOptions.CheckName,
            Rules = pool => PoolRules.Check(pool, ListenerRules.FileNames),
        },
        Value("drainTimeout", SettingValues.Duration, o => o.DrainTimeout, (o, v) => o with { DrainTimeout = v },
            flag: "--drain-timeout", help: "On SIGTERM/SIGINT, time open connections get to finish.", reload: ReloadEffect.Restart),
        Section("logging", o => o.Logging, (o, v) => o with { Logging = v }, LoggingOptions.Settings, example: "{level: information, format: plain}"),
        Section("admin", o => o.Admin, (o, v) => o with { Admin = v }, AdminOptions.Settings, example: "{listen: \"127.0.0.1:8411\"}"),
        Flag("--admin-listen", "admin", s_adminListen, (o, v) => o with { Admin = v is null ? o.Admin with { Enabled = false } : o.Admin with { Listen = v, Enabled = true } },
            help: "The admin HTTP endpoint (/metrics, /healthz, /ready, /status): ADDR:PORT, or off.",
            fallback: o => o.Admin.Enabled ? o.Admin.Listen : null, overridesFile: true),
        Value("engine", SettingWords.Engine, o => o.Engine.Kind, (o, v) => o with { Engine = o.Engine with { Kind = v } }, flag: "--engine",
            help: "What carries connections: epoll (Linux: event loops, splice for bulk), sockets (portable), or auto (epoll on Linux).",
            reload: ReloadEffect.Restart, overridesFile: true),
        Value("threads", SettingValues.Count(0, EngineOptions.MaxThreads, "a number of event loops "), o => o.Engine.Threads,
            (o, v) => o with { Engine = o.Engine with { Threads = v } }, flag: "--threads",
            help: "Event loops of the epoll engine; 0 = one per core the process may use.", reload: ReloadEffect.Restart, overridesFile: true));
}
