using System.Net;

namespace TcpLb.Configuration;

/// <summary>
/// The rules between a pool's settings, for a named pool (paths under <c>pools.NAME</c>) and for a listener's own (paths
/// under the listener): the same pool accepted the same way wherever it is written. Every problem is reported;
/// <c>name</c> gives a setting as the user wrote it (<c>--backend</c> on the command line, <c>backends</c> in the file).
/// </summary>
internal static class PoolRules
{
    public static IEnumerable<SettingProblem> Check(PoolOptions pool, Func<string, string> name)
    {
        if (!pool.HasBackends)
        {
            yield return new("backends", $"no backend: give {name("backends")} or {name("dns")}");
        }

        // A pool knows a backend by its address: a second entry would be silently ignored.
        var listed = new HashSet<EndPoint>();
        for (int i = 0; i < pool.Backends.Count; i++)
        {
            if (!listed.Add(pool.Backends[i].Address))
            {
                yield return new($"backends[{i}]", $"{pool.Backends[i].Address} is listed twice");
            }
        }

        HealthCheckOptions health = pool.HealthCheck;
        if (health.ExpectStatusMin is < 100 or > 599 || health.ExpectStatusMax is < 100 or > 599 || health.ExpectStatusMin > health.ExpectStatusMax)
        {
            yield return new("healthCheck.expectStatusMin", $"{health.ExpectStatusMin}..{health.ExpectStatusMax} is not a range of HTTP statuses within 100..599");
        }

        if (pool.PassiveHealth.MaxEjection < pool.PassiveHealth.BaseEjection)
        {
            yield return new("passiveHealth.maxEjection", $"must be at least the first ejection ({pool.PassiveHealth.BaseEjection})");
        }

        if (pool.Discovery is { } dns)
        {
            foreach (SettingProblem problem in CheckDiscovery(dns))
            {
                yield return problem;
            }
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
    }
}
