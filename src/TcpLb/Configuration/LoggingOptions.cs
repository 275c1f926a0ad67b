using Microsoft.Extensions.Logging;
using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.LoggingOptions>;

namespace TcpLb.Configuration;

/// <summary>How <c>tcplb</c> logs: level, console format, and the one-line-per-connection access log.</summary>
internal sealed record LoggingOptions
{
    /// <summary>The least severe level written.</summary>
    public LogLevel Level { get; init; } = LogLevel.Information;

    /// <summary>The console format.</summary>
    public LogFormat Format { get; init; } = LogFormat.Plain;

    /// <summary>One line per closed connection (client, listener, backend, bytes, duration, how it ended).</summary>
    public bool AccessLog { get; init; } = true;

    /// <summary>The settings under <c>logging</c>, read once at start; the format and access-log flags may also adjust a config file.</summary>
    public static SettingSet<LoggingOptions> Settings { get; } = new(
        Value("level", SettingWords.LogLevel, o => o.Level, (o, v) => o with { Level = v },
            flag: "--log-level", help: "The least severe log level written.", reload: ReloadEffect.Restart),
        Value("format", SettingWords.LogFormat, o => o.Format, (o, v) => o with { Format = v },
            flag: "--log-format", help: "Console log format: plain (one line per event) or json (one JSON object per line).",
            reload: ReloadEffect.Restart, overridesFile: true),
        Value("accessLog", SettingValues.OnOff, o => o.AccessLog, (o, v) => o with { AccessLog = v },
            flag: "--access-log", help: "One line per closed connection, on the TcpLb.Access log category.",
            reload: ReloadEffect.Restart, overridesFile: true));
}
