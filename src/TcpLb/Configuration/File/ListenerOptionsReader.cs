using System.Net;
using TcpLb.Cli;

namespace TcpLb.Configuration.File;

/// <summary>
/// Reads one <c>listeners[i]</c> entry: the same settings as the <c>tcplb run</c> flags, in camelCase, parsed by
/// the same value parsers (<see cref="CommandLineValues"/>, <see cref="SettingWords"/>) and checked by the same
/// <see cref="ListenerRules"/>. Absent settings take the records' defaults.
/// </summary>
internal static class ListenerOptionsReader
{
    public static ListenerOptions Read(ConfigNode node)
    {
        var defaults = new ListenerOptions { Listen = [], Backends = [] };
        if (!node.IsMapping("{listen: [\"127.0.0.1:8080\"], backends: [...]}"))
        {
            return defaults;
        }

        node.OnlyKeys(ConfigKeys.Listener);
        if (!node.Child("listen").Exists)
        {
            node.Child("listen").Problem("missing; give the addresses to accept on, e.g. [\"127.0.0.1:8080\"]");
        }

        var listener = defaults with
        {
            Listen = node.List<IPEndPoint>("listen", [], CommandLineValues.TryParseListenEndPoint),
            Backends = ReadBackends(node.Child("backends")),
            Balance = node.Text("balance", defaults.Balance),
            Retries = node.Int("retries", defaults.Retries),
            MaxConnections = node.Int("maxConnections", defaults.MaxConnections),
            MaxQueue = node.Int("maxQueue", defaults.MaxQueue),
            QueueTimeout = node.Duration("queueTimeout", defaults.QueueTimeout),
            SendProxy = node.Choice("sendProxy", defaults.SendProxy, SettingWords.SendProxy),
            SendProxyCrc32C = node.Bool("sendProxyCrc32c", defaults.SendProxyCrc32C),
            AcceptProxyFrom = node.List<IPNetwork>("acceptProxyFrom", defaults.AcceptProxyFrom, TryParseNetwork),
            AllowDirect = node.Bool("allowDirect", defaults.AllowDirect),
            ForwardTlvs = node.Bool("forwardTlvs", defaults.ForwardTlvs),
            MaxProxyHeaderLength = node.Int("maxProxyHeaderLength", defaults.MaxProxyHeaderLength),
            Connect = node.Choice("connect", defaults.Connect, SettingWords.Connect),
            Timeouts = ReadTimeouts(node.Child("timeouts"), defaults.Timeouts),
            HealthCheck = ReadHealthCheck(node.Child("healthCheck"), defaults.HealthCheck),
            PassiveHealth = ReadPassiveHealth(node.Child("passiveHealth"), defaults.PassiveHealth),
            Discovery = ReadDiscovery(node.Child("dns")),
        };

        // Rules across settings; one whose setting already has a parse problem would only repeat it.
        foreach (SettingProblem problem in ListenerRules.Check(listener, ListenerRules.FileNames))
        {
            string path = ConfigNode.Join(node.Path, problem.Setting);
            if (!node.Problems.HasAtOrBelow(path))
            {
                node.Problems.Add(path, problem.Message);
            }
        }

        return listener;
    }

    private static bool TryParseNetwork(string text, out IPNetwork network, out string error) => CommandLineValues.TryParseNetwork(text, out network, out error);

    private static List<BackendOptions> ReadBackends(ConfigNode list)
    {
        var backends = new List<BackendOptions>();
        foreach (ConfigNode item in list.Items())
        {
            if (ReadBackend(item) is { } backend)
            {
                backends.Add(backend);
            }
        }

        return backends;
    }

    // A backend is the flag's string ("10.0.0.5:80,weight=2,backup") or settings with an address.
    private static BackendOptions? ReadBackend(ConfigNode item)
    {
        if (item.IsValue)
        {
            return item.Read<BackendOptions?>(null, CommandLineValues.TryParseBackend);
        }

        item.OnlyKeys(ConfigKeys.Backend);
        ConfigNode address = item.Child("address");
        if (!address.Exists)
        {
            address.Problem("missing; give HOST:PORT, e.g. 10.0.0.5:80");
            return null;
        }

        return address.TryRead(CommandLineValues.TryParseBackendEndPoint, out EndPoint? endPoint)
            ? ReadBackendSettings(item, new BackendOptions { Address = endPoint })
            : null;
    }

    private static BackendOptions ReadBackendSettings(ConfigNode node, BackendOptions defaults) => defaults with
    {
        Weight = node.Int("weight", defaults.Weight),
        MaxConnections = node.Int("maxConnections", defaults.MaxConnections),
        SlowStart = node.Get("slowStart", defaults.SlowStart, static (string text, out TimeSpan value, out string error) => CommandLineValues.TryParseDurationOrZero(text, out value, out error)),
        Backup = node.Bool("backup", defaults.Backup),
    };

    private static TimeoutOptions ReadTimeouts(ConfigNode node, TimeoutOptions defaults)
    {
        if (!node.IsMapping("{connect: 5s, clientIdle: 1h}"))
        {
            return defaults;
        }

        node.OnlyKeys(ConfigKeys.Timeouts);
        return defaults with
        {
            Connect = node.Duration("connect", defaults.Connect),
            FirstBytes = node.Duration("firstBytes", defaults.FirstBytes),
            ProxyHeader = node.Duration("proxyHeader", defaults.ProxyHeader),
            ClientIdle = node.Duration("clientIdle", defaults.ClientIdle),
            BackendIdle = node.Duration("backendIdle", defaults.BackendIdle),
            HalfClosed = node.Duration("halfClosed", defaults.HalfClosed),
        };
    }

    private static HealthCheckOptions ReadHealthCheck(ConfigNode node, HealthCheckOptions defaults)
    {
        if (!node.IsMapping("{kind: http, path: /healthz}"))
        {
            return defaults;
        }

        node.OnlyKeys(ConfigKeys.HealthCheck);
        return defaults with
        {
            Kind = node.Choice("kind", defaults.Kind, SettingWords.HealthCheck),
            HttpPath = node.Text("path", defaults.HttpPath),
            Interval = node.Duration("interval", defaults.Interval),
            Timeout = node.Duration("timeout", defaults.Timeout),
            Rise = node.Int("rise", defaults.Rise),
            Fall = node.Int("fall", defaults.Fall),
            Port = node.Int("port", defaults.Port),
            SendProxy = node.Child("sendProxy").Exists ? node.Choice("sendProxy", ProxySendMode.Off, SettingWords.SendProxy) : defaults.SendProxy,
            Jitter = node.Number("jitter", defaults.Jitter),
            ExpectStatusMin = node.Int("expectStatusMin", defaults.ExpectStatusMin),
            ExpectStatusMax = node.Int("expectStatusMax", defaults.ExpectStatusMax),
        };
    }

    private static PassiveHealthOptions ReadPassiveHealth(ConfigNode node, PassiveHealthOptions defaults)
    {
        if (!node.IsMapping("{failures: 5, ejection: 10s}"))
        {
            return defaults;
        }

        node.OnlyKeys(ConfigKeys.PassiveHealth);
        return defaults with
        {
            ConsecutiveFailures = node.Int("failures", defaults.ConsecutiveFailures),
            Window = node.Duration("window", defaults.Window),
            BaseEjection = node.Duration("ejection", defaults.BaseEjection),
            MaxEjection = node.Duration("maxEjection", defaults.MaxEjection),
        };
    }

    private static DnsDiscoveryOptions? ReadDiscovery(ConfigNode node)
    {
        if (!node.Exists || !node.IsMapping("{name: router.local, port: 80}"))
        {
            return null;
        }

        node.OnlyKeys(ConfigKeys.Dns);
        ConfigNode name = node.Child("name");
        if (!name.Exists)
        {
            name.Problem("missing; give the DNS name whose records are the backends");
            return null;
        }

        var defaults = new DnsDiscoveryOptions { Name = node.Text("name", string.Empty) };
        ConfigNode template = node.Child("backend");
        return defaults with
        {
            Port = node.Int("port", defaults.Port),
            Srv = node.Bool("srv", defaults.Srv),
            Interval = node.Duration("interval", defaults.Interval),
            Template = template.Exists && template.IsMapping("{weight: 2, maxConnections: 100}") ? ReadTemplate(template) : null,
        };
    }

    // The settings every discovered backend gets; its address comes from DNS.
    private static BackendOptions ReadTemplate(ConfigNode node)
    {
        node.OnlyKeys(ConfigKeys.DiscoveredBackend);
        return ReadBackendSettings(node, new BackendOptions { Address = new IPEndPoint(IPAddress.None, 0) });
    }
}
