namespace TcpLb.Cli;

/// <summary>
/// The flag that sets each config-file setting, so a <see cref="Configuration.ListenerRules"/> problem on the
/// command line names the flag (<c>--allow-direct</c>) where the file would name the key (<c>allowDirect</c>).
/// </summary>
internal static class FlagNames
{
    private static readonly Dictionary<string, string> s_flags = new(StringComparer.Ordinal)
    {
        ["listen"] = "--listen",
        ["backends"] = "--backend",
        ["dns"] = "--dns / --dns-srv",
        ["balance"] = "--balance",
        ["retries"] = "--retries",
        ["maxConnections"] = "--max-connections",
        ["maxQueue"] = "--max-queue",
        ["sendProxy"] = "--send-proxy",
        ["acceptProxyFrom"] = "--accept-proxy-from",
        ["allowDirect"] = "--allow-direct",
        ["forwardTlvs"] = "--forward-tlvs",
        ["maxProxyHeaderLength"] = "--max-proxy-header-length",
        ["healthCheck.rise"] = "--health-rise",
        ["healthCheck.fall"] = "--health-fall",
        ["healthCheck.port"] = "--health-port",
        ["healthCheck.path"] = "--health-path",
        ["passiveHealth.failures"] = "--passive-failures",
        ["passiveHealth.maxEjection"] = "--passive-ejection",
    };

    /// <summary>The flag for <paramref name="setting"/>; a setting inside a backend or DNS is that flag's.</summary>
    public static string Of(string setting) =>
        s_flags.TryGetValue(setting, out string? flag) ? flag
        : setting.StartsWith("backends[", StringComparison.Ordinal) ? "--backend"
        : setting.StartsWith("dns.", StringComparison.Ordinal) ? "--dns"
        : setting.StartsWith("healthCheck.", StringComparison.Ordinal) ? "--health-check"
        : setting;
}
