using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.PoolTimeoutOptions>;

namespace TcpLb.Configuration;

/// <summary>
/// The timers a named pool may set for the connections it carries (a WebSocket pool with long idle timeouts); each one
/// not set is the accepting listener's (<see cref="TimeoutOptions"/>). The header and first-bytes timers stay the
/// listener's: they run before the route, hence the pool, is known.
/// </summary>
internal sealed record PoolTimeoutOptions
{
    private const string ListenersText = "(the listener's)";

    public TimeSpan? Connect { get; init; }

    public TimeSpan? ClientIdle { get; init; }

    public TimeSpan? BackendIdle { get; init; }

    public TimeSpan? HalfClosed { get; init; }

    /// <summary>The timers under a named pool's <c>timeouts</c>.</summary>
    public static SettingSet<PoolTimeoutOptions> Settings { get; } = new(
        Value("connect", SettingValues.OrNull(SettingValues.Duration, ListenersText), o => o.Connect, (o, v) => o with { Connect = v },
            help: "Time one backend has to accept before the next is tried."),
        Value("clientIdle", SettingValues.OrNull(SettingValues.Duration, ListenersText), o => o.ClientIdle, (o, v) => o with { ClientIdle = v },
            help: "Close after this long without a byte from the client."),
        Value("backendIdle", SettingValues.OrNull(SettingValues.Duration, ListenersText), o => o.BackendIdle, (o, v) => o with { BackendIdle = v },
            help: "Close after this long without a byte from the backend."),
        Value("halfClosed", SettingValues.OrNull(SettingValues.Duration, ListenersText), o => o.HalfClosed, (o, v) => o with { HalfClosed = v },
            help: "Once one side sent FIN, close if the other stays silent this long."));

    /// <summary>The timers a connection of <paramref name="listener"/> runs under once routed to this pool.</summary>
    public TimeoutOptions Over(TimeoutOptions listener) => listener with
    {
        Connect = Connect ?? listener.Connect,
        ClientIdle = ClientIdle ?? listener.ClientIdle,
        BackendIdle = BackendIdle ?? listener.BackendIdle,
        HalfClosed = HalfClosed ?? listener.HalfClosed,
    };
}
