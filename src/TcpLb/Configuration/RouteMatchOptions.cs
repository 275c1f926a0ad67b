using System.Net;
using System.Text;
using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.RouteMatchOptions>;

namespace TcpLb.Configuration;

/// <summary>
/// A route's <c>match</c> as the file writes it: any of <c>sni</c>, <c>alpn</c>, <c>host</c>, <c>websocket</c>,
/// <c>source</c>; all it holds must hold, and none (<c>match: {}</c>, or no <c>match</c>) takes every connection.
/// The names are checked and compiled by <c>Routing</c> (host patterns), which reports them at these keys' paths.
/// </summary>
internal sealed record RouteMatchOptions
{
    private const string Any = "(any)";

    /// <summary>The TLS SNI: <c>www.example.com</c>, or <c>*.example.com</c> for one or more labels before it.</summary>
    public string? Sni { get; init; }

    /// <summary>A protocol the ClientHello offers (<c>h2</c>, <c>http/1.1</c>), compared byte for byte.</summary>
    public string? Alpn { get; init; }

    /// <summary>The HTTP/1.x request's host, port stripped, case-insensitive: a name or <c>*.example.com</c>.</summary>
    public string? Host { get; init; }

    /// <summary><c>websocket: true</c>: the request is a WebSocket upgrade.</summary>
    public bool WebSocket { get; init; }

    /// <summary>The reported client's network (after a trusted upstream's PROXY header).</summary>
    public IPNetwork? Source { get; init; }

    /// <summary>True when matching needs the client's first bytes (all but <c>source</c>).</summary>
    public bool ReadsFirstBytes => Sni is not null || Alpn is not null || Host is not null || WebSocket;

    /// <summary>The keys under <c>match</c>.</summary>
    public static SettingSet<RouteMatchOptions> Settings { get; } = new(
        Value("sni", SettingValues.OrNone(SettingValues.Text("NAME"), Any), o => o.Sni, (o, v) => o with { Sni = v },
            help: "The TLS server name: www.example.com, or *.example.com (one or more labels before it)."),
        Value("alpn", SettingValues.OrNone(SettingValues.Text("PROTOCOL").Where(AlpnRule), Any), o => o.Alpn, (o, v) => o with { Alpn = v },
            help: "A protocol the TLS client offers (h2, http/1.1)."),
        Value("host", SettingValues.OrNone(SettingValues.Text("NAME"), Any), o => o.Host, (o, v) => o with { Host = v },
            help: "The HTTP request's host (port stripped, any case): www.example.com or *.example.com."),
        Value("websocket", SettingValues.Bool.Where(WebSocketRule), o => o.WebSocket, (o, v) => o with { WebSocket = v },
            help: "true: the request is a WebSocket upgrade."),
        Value("source", SettingValues.OrNull(SettingValues.Network, Any), o => o.Source, (o, v) => o with { Source = v },
            help: "The client's network (CIDR), as reported after a trusted upstream's PROXY header."));

    /// <summary>As the file would write it: <c>{sni: *.example.com, alpn: h2}</c>; <c>{}</c> for every connection.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        Add("sni", Sni);
        Add("alpn", Alpn);
        Add("host", Host);
        Add("websocket", WebSocket ? "true" : null);
        Add("source", Source?.ToString());
        return "{" + string.Join(", ", parts) + "}";

        void Add(string key, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{key}: {value}");
            }
        }
    }

    // RFC 7301 3.1: a protocol name is 1 to 255 bytes.
    private static string? AlpnRule(string alpn) => Encoding.UTF8.GetByteCount(alpn) is >= 1 and <= 255
        ? null
        : $"'{alpn}' is not an ALPN protocol name (1 to 255 bytes, such as h2 or http/1.1)";

    // No route asks for a connection that is not an upgrade: a WebSocket route placed first does what that would.
    private static string? WebSocketRule(bool webSocket) => webSocket
        ? null
        : "false is not supported: a route cannot ask for the absence of an upgrade; leave websocket out, and put the route with websocket: true first";
}
