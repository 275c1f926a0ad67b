namespace TcpLb.Configuration;

/// <summary>
/// One thing wrong with a setting: <see cref="Setting"/> is its key as the config file writes it, relative to
/// where the check ran (<c>healthCheck.fall</c>, <c>backends[2].weight</c>); the flags translate it to a flag name.
/// </summary>
internal readonly record struct SettingProblem(string Setting, string Message);
