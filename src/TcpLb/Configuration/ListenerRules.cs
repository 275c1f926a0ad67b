using System.Net;

namespace TcpLb.Configuration;

/// <summary>
/// The rules between a listener's settings, checked on the built <see cref="ListenerOptions"/>, so the flags
/// (<c>tcplb run</c>) and the config file accept exactly the same listeners; a setting's own range is part of its
/// value (<see cref="Settings.SettingValues"/>). Every problem is reported, not just the first. Messages that mention
/// another setting name it through <c>name</c>, which gives it as the user wrote it: <c>--accept-proxy-from</c> on the
/// command line, <c>acceptProxyFrom</c> in the file.
/// </summary>
internal static class ListenerRules
{
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

        // A pool knows a backend by its address: a second entry would be silently ignored.
        var listed = new HashSet<EndPoint>();
        for (int i = 0; i < listener.Backends.Count; i++)
        {
            if (!listed.Add(listener.Backends[i].Address))
            {
                yield return new($"backends[{i}]", $"{listener.Backends[i].Address} is listed twice");
            }
        }

        if (listener.AllowDirect && listener.AcceptProxyFrom.Count == 0)
        {
            yield return new("allowDirect", $"only meaningful with {name("acceptProxyFrom")}");
        }

        if (listener.ForwardTlvs && listener.SendProxy != ProxySendMode.V2)
        {
            yield return new("forwardTlvs", $"TLVs can only be forwarded with {name("sendProxy")} v2");
        }

        HealthCheckOptions health = listener.HealthCheck;
        if (health.ExpectStatusMin is < 100 or > 599 || health.ExpectStatusMax is < 100 or > 599 || health.ExpectStatusMin > health.ExpectStatusMax)
        {
            yield return new("healthCheck.expectStatusMin", $"{health.ExpectStatusMin}..{health.ExpectStatusMax} is not a range of HTTP statuses within 100..599");
        }

        if (listener.PassiveHealth.MaxEjection < listener.PassiveHealth.BaseEjection)
        {
            yield return new("passiveHealth.maxEjection", $"must be at least the first ejection ({listener.PassiveHealth.BaseEjection})");
        }

        if (listener.Discovery is { } dns)
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
