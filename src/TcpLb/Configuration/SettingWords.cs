using Microsoft.Extensions.Logging;
using TcpLb.Configuration.Settings;

namespace TcpLb.Configuration;

/// <summary>
/// The words settings take, shared by the flags (<c>--send-proxy v2</c>) and the config file
/// (<c>sendProxy: v2</c>): both accept exactly these, in any case, and <c>--help</c> lists them.
/// </summary>
internal static class SettingWords
{
    public static SettingValue<ProxySendMode> SendProxy { get; } =
        SettingValues.Words(("v1", ProxySendMode.V1), ("v2", ProxySendMode.V2), ("off", ProxySendMode.Off));

    public static SettingValue<ConnectMode> Connect { get; } =
        SettingValues.Words(("on-first-bytes", ConnectMode.OnFirstBytes), ("on-accept", ConnectMode.OnAccept));

    public static SettingValue<HealthCheckKind> HealthCheck { get; } =
        SettingValues.Words(("none", HealthCheckKind.None), ("tcp", HealthCheckKind.Tcp), ("http", HealthCheckKind.Http));

    public static SettingValue<LogLevel> LogLevel { get; } = SettingValues.Words(
        ("trace", Microsoft.Extensions.Logging.LogLevel.Trace), ("debug", Microsoft.Extensions.Logging.LogLevel.Debug),
        ("information", Microsoft.Extensions.Logging.LogLevel.Information), ("warning", Microsoft.Extensions.Logging.LogLevel.Warning),
        ("error", Microsoft.Extensions.Logging.LogLevel.Error));

    public static SettingValue<LogFormat> LogFormat { get; } =
        SettingValues.Words(("plain", Configuration.LogFormat.Plain), ("json", Configuration.LogFormat.Json));

    public static SettingValue<EngineKind> Engine { get; } =
        SettingValues.Words(("auto", EngineKind.Auto), ("epoll", EngineKind.Epoll), ("sockets", EngineKind.Sockets));

    /// <summary>The balancing policies by name (<see cref="BalancingPolicyNames"/>).</summary>
    public static SettingValue<string> Balance { get; } = SettingValues.Words(BalancingPolicyNames.All);
}
