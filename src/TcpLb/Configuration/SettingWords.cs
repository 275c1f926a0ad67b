using Microsoft.Extensions.Logging;

namespace TcpLb.Configuration;

/// <summary>
/// The words settings take, shared by the flags (<c>--send-proxy v2</c>) and the config file
/// (<c>sendProxy: v2</c>), so both accept exactly the same spelling.
/// </summary>
internal static class SettingWords
{
    public static IReadOnlyList<(string Word, ProxySendMode Value)> SendProxy { get; } =
        [("v1", ProxySendMode.V1), ("v2", ProxySendMode.V2), ("off", ProxySendMode.Off)];

    public static IReadOnlyList<(string Word, ConnectMode Value)> Connect { get; } =
        [("on-first-bytes", ConnectMode.OnFirstBytes), ("on-accept", ConnectMode.OnAccept)];

    public static IReadOnlyList<(string Word, HealthCheckKind Value)> HealthCheck { get; } =
        [("none", HealthCheckKind.None), ("tcp", HealthCheckKind.Tcp), ("http", HealthCheckKind.Http)];

    public static IReadOnlyList<(string Word, LogLevel Value)> LogLevel { get; } =
    [
        ("trace", Microsoft.Extensions.Logging.LogLevel.Trace), ("debug", Microsoft.Extensions.Logging.LogLevel.Debug),
        ("information", Microsoft.Extensions.Logging.LogLevel.Information), ("warning", Microsoft.Extensions.Logging.LogLevel.Warning),
        ("error", Microsoft.Extensions.Logging.LogLevel.Error),
    ];

    public static IReadOnlyList<(string Word, EngineKind Value)> Engine { get; } =
        [("auto", EngineKind.Auto), ("epoll", EngineKind.Epoll), ("sockets", EngineKind.Sockets)];

    public static IReadOnlyList<(string Word, LogFormat Value)> LogFormat { get; } =
        [("plain", Configuration.LogFormat.Plain), ("json", Configuration.LogFormat.Json)];

    /// <summary>The word for <paramref name="value"/> (for the example file and messages).</summary>
    public static string WordOf<T>(IReadOnlyList<(string Word, T Value)> words, T value) =>
        words.First(pair => EqualityComparer<T>.Default.Equals(pair.Value, value)).Word;

    /// <summary>Case-insensitive, as the flags always were; the error lists the words in order.</summary>
    public static bool TryParse<T>(IReadOnlyList<(string Word, T Value)> words, string text, out T value, out string error)
    {
        foreach ((string word, T candidate) in words)
        {
            if (string.Equals(word, text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                error = string.Empty;
                return true;
            }
        }

        value = default!;
        error = $"'{text}' is not one of {string.Join(", ", words.Select(pair => pair.Word))}";
        return false;
    }
}
