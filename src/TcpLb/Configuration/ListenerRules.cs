namespace TcpLb.Configuration;

/// <summary>
/// The rules between a listener's settings, checked on the built <see cref="ListenerOptions"/>, so the flags
/// (<c>tcplb run</c>) and the config file accept exactly the same listeners; a setting's own range is part of its
/// value (<see cref="Settings.SettingValues"/>). Every problem is reported, not just the first. Messages that mention
/// another setting name it through <c>name</c>, which gives it as the user wrote it: <c>--accept-proxy-from</c> on the
/// command line, <c>acceptProxyFrom</c> in the file. What needs the routes compiled (their names, pools, header
/// lengths) is checked by <c>Routing</c>.
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

        // Its own pool is checked as a named pool is; a listener that only routes to named pools must not set one.
        bool routesOnly = !listener.HasOwnPool && (listener.Routes.Count > 0 || listener.DefaultPool is not null);
        IEnumerable<SettingProblem> pool = routesOnly ? SettingsWithoutOwnPool(listener) : PoolRules.Check(listener.Pool, name);
        foreach (SettingProblem problem in pool)
        {
            yield return problem;
        }

        if (listener.AllowDirect && listener.AcceptProxyFrom.Count == 0)
        {
            yield return new("allowDirect", $"only meaningful with {name("acceptProxyFrom")}");
        }

        if (listener.ForwardTlvs && listener.SendProxy != ProxySendMode.V2)
        {
            yield return new("forwardTlvs", $"TLVs can only be forwarded with {name("sendProxy")} v2");
        }

        foreach (SettingProblem problem in CheckTlvs(listener, "proxyTlvs", listener.ProxyTlvs, name))
        {
            yield return problem;
        }

        for (int i = 0; i < listener.Routes.Count; i++)
        {
            RouteOptions route = listener.Routes[i];
            if (route.ProxyTlvs is { } tlvs)
            {
                foreach (SettingProblem problem in CheckTlvs(listener, $"routes[{i}].proxyTlvs", tlvs, name))
                {
                    yield return problem;
                }
            }

            if (route.Match.ReadsFirstBytes && listener.Connect == ConnectMode.OnAccept)
            {
                yield return new($"routes[{i}].match", $"{route.Match} reads the client's first bytes, but {name("connect")} on-accept dials before they come; use on-first-bytes");
            }
        }
    }

    // TLVs travel in v2 headers only; AUTHORITY and ALPN come from the first bytes, which on-accept does not wait for.
    private static IEnumerable<SettingProblem> CheckTlvs(ListenerOptions listener, string path, IReadOnlyList<ProxyTlvOptions> tlvs, Func<string, string> name)
    {
        if (tlvs.Count == 0)
        {
            yield break;
        }

        if (listener.SendProxy != ProxySendMode.V2)
        {
            yield return new(path, $"TLVs are sent in PROXY v2 headers only, and {name("sendProxy")} is {listener.SendProxy.ToString().ToLowerInvariant()}; use v2");
        }

        if (listener.Connect == ConnectMode.OnAccept && tlvs.FirstOrDefault(tlv => tlv.Kind is ProxyTlvKind.Authority or ProxyTlvKind.Alpn) is { } early)
        {
            yield return new(path, $"{ProxyTlvOptions.Describe(early)} comes from the client's first bytes, but {name("connect")} on-accept sends the header before they come; use on-first-bytes");
        }

        // Each TLV once: a receiver seeing two of a type keeps one of them by accident.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tlvs.Count; i++)
        {
            string key = tlvs[i].Kind == ProxyTlvKind.Custom ? $"0x{tlvs[i].Type:X2}" : ProxyTlvOptions.Describe(tlvs[i]);
            if (!seen.Add(key))
            {
                yield return new($"{path}[{i}]", $"{key} is given twice");
            }
        }
    }

    // A listener without backends of its own has no pool for balance, health checks or limits to apply to.
    private static IEnumerable<SettingProblem> SettingsWithoutOwnPool(ListenerOptions listener) =>
        PoolOptions.SharedSettings.Changes(new PoolOptions(), listener.Pool).Select(change => new SettingProblem(
            change.Setting, "applies to the listener's own backends, and it has none; set it on the pool it sends to (pools.NAME)"));
}
