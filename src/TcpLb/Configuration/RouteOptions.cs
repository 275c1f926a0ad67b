using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.RouteOptions>;

namespace TcpLb.Configuration;

/// <summary>
/// One of a listener's <c>routes</c>: <c>{match: {sni: ws.example.com}, pool: ws}</c>. The first route whose match holds
/// takes the connection to its pool; a route may choose its own <c>proxyTlvs</c> (else the listener's).
/// </summary>
internal sealed record RouteOptions
{
    /// <summary>What the connection must show; the empty match takes every connection.</summary>
    public RouteMatchOptions Match { get; init; } = new();

    /// <summary>The name of a pool under <c>pools</c>.</summary>
    public string Pool { get; init; } = string.Empty;

    /// <summary>The TLVs this route's headers carry; null for the listener's <c>proxyTlvs</c>.</summary>
    public IReadOnlyList<ProxyTlvOptions>? ProxyTlvs { get; init; }

    /// <summary>The keys of a route.</summary>
    public static SettingSet<RouteOptions> Settings { get; } = new(
        Section("match", o => o.Match, (o, v) => o with { Match = v }, RouteMatchOptions.Settings, example: "{sni: www.example.com, alpn: h2}"),
        Value("pool", SettingValues.Text("NAME"), o => o.Pool, (o, v) => o with { Pool = v },
            help: "The pool the route sends to.", missing: "missing; name the pool this route sends to (a key of pools)"),
        new SectionListSetting<RouteOptions, ProxyTlvOptions>("proxyTlvs", o => o.ProxyTlvs ?? [], (o, v) => o with { ProxyTlvs = v }, () => new ProxyTlvOptions(), ProxyTlvOptions.Settings)
        {
            Example = "{type: 0xE1, value: \"edge-1\"}",
            ShortForm = ProxyTlvOptions.ShortForm,
            Optional = true,
            Describe = ProxyTlvOptions.Describe,
        });

    /// <summary>In a few words, for the reload line: <c>{sni: ws.example.com} -> ws</c>.</summary>
    public override string ToString() =>
        $"{Match} -> {Pool}" + (ProxyTlvs is { } tlvs ? $" with [{string.Join(", ", tlvs.Select(ProxyTlvOptions.Describe))}]" : string.Empty);
}
