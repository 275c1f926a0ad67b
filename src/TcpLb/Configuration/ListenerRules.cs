using System.Net;

namespace TcpLb.Configuration;

/// <summary>
/// The rules a listener's settings must meet, checked on the built <see cref="ListenerOptions"/>, so the flags
/// (<c>tcplb run</c>) and the config file accept exactly the same listeners. Every problem is reported, not just
/// the first. Messages that mention another setting name it through <c>name</c>, which gives it as the user
/// wrote it: <c>--accept-proxy-from</c> on the command line, <c>acceptProxyFrom</c> in the file.
/// </summary>
internal static class ListenerRules
{
    public const int MaxWeight = 256;

    /// <summary>The file's key for each setting; the identity for the file.</summary>
    public static readonly Func<string, string> FileNames = static key => key;

    public static IEnumerable<SettingProblem> Check(ListenerOptions listener, Func<string, string> name)
    {
        if (listener.Listen.Count == 0)
        {
            yield return new("listen", "give at least one address to listen on");
        }

        if (listener.Backends.Count == 0 && listener.Discovery is null)
        {
            yield return new("backends", $"no backend: give {name("backends")} or {name("dns")}");
        }

        var listed = new HashSet<EndPoint>();
        for (int i = 0; i < listener.Backends.Count; i++)
        {
            foreach (SettingProblem problem in CheckBackend(listener.Backends[i], $"backends[{i}]"))
            {
                yield return problem;
            }

            // A pool knows a backend by its address: a second entry would be silently ignored.
            if (!listed.Add(listener.Backends[i].Address))
            {
                yield return new($"backends[{i}]", $"{listener.Backends[i].Address} is listed twice");
            }
        }

        if (!BalancingPolicyNames.All.Contains(listener.Balance))
        {
            yield return new("balance", $"'{listener.Balance}' is not one of {string.Join(", ", BalancingPolicyNames.All)}");
        }

        foreach (SettingProblem problem in AtLeast(0, ("retries", listener.Retries), ("maxConnections", listener.MaxConnections), ("maxQueue", listener.MaxQueue)))
        {
            yield return problem;
        }

        if (listener.MaxProxyHeaderLength is < 0 or > 65535)
        {
            yield return new("maxProxyHeaderLength", $"'{listener.MaxProxyHeaderLength}' is not 0..65535");
        }

        if (listener.AllowDirect && listener.AcceptProxyFrom.Count == 0)
        {
            yield return new("allowDirect", $"only meaningful with {name("acceptProxyFrom")}");
        }

        if (listener.ForwardTlvs && listener.SendProxy != ProxySendMode.V2)
        {
            yield return new("forwardTlvs", $"TLVs can only be forwarded with {name("sendProxy")} v2");
        }

        foreach (SettingProblem problem in CheckHealth(listener.HealthCheck).Concat(CheckPassive(listener.PassiveHealth)))
        {
            yield return problem;
        }

        if (listener.Discovery is { } dns)
        {
            foreach (SettingProblem problem in CheckDiscovery(dns))
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<SettingProblem> CheckBackend(BackendOptions backend, string path)
    {
        if (backend.Weight is < 1 or > MaxWeight)
        {
            yield return new($"{path}.weight", $"'{backend.Weight}' is not 1..{MaxWeight}");
        }

        if (backend.MaxConnections < 0)
        {
            yield return new($"{path}.maxConnections", $"'{backend.MaxConnections}' must be 0 or more");
        }
    }

    private static IEnumerable<SettingProblem> CheckHealth(HealthCheckOptions health)
    {
        foreach (SettingProblem problem in AtLeast(1, ("healthCheck.rise", health.Rise), ("healthCheck.fall", health.Fall)))
        {
            yield return problem;
        }

        if (health.Port is < 0 or > 65535)
        {
            yield return new("healthCheck.port", $"'{health.Port}' is not a port 0..65535");
        }

        if (health.Jitter is < 0 or >= 1 || double.IsNaN(health.Jitter))
        {
            yield return new("healthCheck.jitter", $"'{health.Jitter}' is not a fraction from 0 up to (not including) 1");
        }

        if (!health.HttpPath.StartsWith('/') || health.HttpPath.Any(char.IsWhiteSpace))
        {
            yield return new("healthCheck.path", $"'{health.HttpPath}' is not a path: it starts with / and has no spaces");
        }

        if (health.ExpectStatusMin is < 100 or > 599 || health.ExpectStatusMax is < 100 or > 599 || health.ExpectStatusMin > health.ExpectStatusMax)
        {
            yield return new("healthCheck.expectStatusMin", $"{health.ExpectStatusMin}..{health.ExpectStatusMax} is not a range of HTTP statuses within 100..599");
        }
    }

    private static IEnumerable<SettingProblem> CheckPassive(PassiveHealthOptions passive)
    {
        if (passive.ConsecutiveFailures < 0)
        {
            yield return new("passiveHealth.failures", $"'{passive.ConsecutiveFailures}' must be 0 or more");
        }

        if (passive.MaxEjection < passive.BaseEjection)
        {
            yield return new("passiveHealth.maxEjection", $"must be at least the first ejection ({passive.BaseEjection})");
        }
    }

    private static IEnumerable<SettingProblem> CheckDiscovery(DnsDiscoveryOptions dns)
    {
        if (IPAddress.TryParse(dns.Name, out _))
        {
            yield return new("dns.name", $"'{dns.Name}' is an address, not a name to resolve; list it in backends");
        }
        else if (Uri.CheckHostName(dns.Name) != UriHostNameType.Dns && !(dns.Srv && dns.Name.StartsWith('_')))
        {
            yield return new("dns.name", $"'{dns.Name}' is not a host name");
        }

        if (!dns.Srv && dns.Port is < 1 or > 65535)
        {
            yield return new("dns.port", $"'{dns.Port}' is not a port 1..65535 (A/AAAA records carry no port)");
        }

        if (dns.Template is { } template)
        {
            foreach (SettingProblem problem in CheckBackend(template, "dns.backend"))
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<SettingProblem> AtLeast(int least, params (string Setting, int Value)[] counts)
    {
        foreach ((string setting, int value) in counts)
        {
            if (value < least)
            {
                yield return new(setting, least == 0 ? $"'{value}' must be 0 or more" : $"'{value}' must be at least {least}");
            }
        }
    }
}
