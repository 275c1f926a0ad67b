using System.Diagnostics.CodeAnalysis;

namespace TcpLb.Configuration.Settings;

/// <summary>
/// Turns a setting's text into its value, or says in one sentence why it cannot (<c>'5' needs a unit: ms, s, m, h
/// or d</c>). The one parser shape of the config file, the environment and the flags.
/// </summary>
internal delegate bool TryParse<T>(string text, [MaybeNullWhen(false)] out T value, out string error);
