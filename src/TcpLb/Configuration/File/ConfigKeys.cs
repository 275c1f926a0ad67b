namespace TcpLb.Configuration.File;

/// <summary>
/// The keys each part of the config file accepts; any other key is an error. Listed in one place so the
/// example file's test can check that it documents every one.
/// </summary>
internal static class ConfigKeys
{
    public static readonly string[] Root = ["listeners", "drainTimeout", "logging", "admin", "engine", "threads"];

    public static readonly string[] Logging = ["level", "format", "accessLog"];

    public static readonly string[] Admin = ["listen", "enabled"];

    public static readonly string[] Listener =
    [
        "listen", "backends", "balance", "retries", "maxConnections", "maxQueue", "queueTimeout",
        "sendProxy", "sendProxyCrc32c", "acceptProxyFrom", "allowDirect", "forwardTlvs", "maxProxyHeaderLength",
        "connect", "timeouts", "healthCheck", "passiveHealth", "dns",
    ];

    public static readonly string[] Backend = ["address", "weight", "maxConnections", "slowStart", "backup"];

    /// <summary>The settings every backend found by DNS gets (<c>dns.backend</c>): a backend's, without the address.</summary>
    public static readonly string[] DiscoveredBackend = ["weight", "maxConnections", "slowStart", "backup"];

    public static readonly string[] Timeouts = ["connect", "firstBytes", "proxyHeader", "clientIdle", "backendIdle", "halfClosed"];

    public static readonly string[] HealthCheck = ["kind", "path", "interval", "timeout", "rise", "fall", "port", "sendProxy", "jitter", "expectStatusMin", "expectStatusMax"];

    public static readonly string[] PassiveHealth = ["failures", "window", "ejection", "maxEjection"];

    public static readonly string[] Dns = ["name", "port", "srv", "interval", "backend"];

    public static IEnumerable<string> All =>
        [.. Root, .. Logging, .. Admin, .. Listener, .. Backend, .. DiscoveredBackend, .. Timeouts, .. HealthCheck, .. PassiveHealth, .. Dns];
}
