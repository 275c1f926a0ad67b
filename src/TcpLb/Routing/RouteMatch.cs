using System.Net;
using System.Text;

namespace TcpLb.Routing;

/// <summary>
/// What a route asks of a connection: any of an SNI pattern, an offered ALPN protocol, an HTTP host pattern,
/// a WebSocket upgrade, a client network. All it holds must hold; it holds none (<c>match: {}</c>) to take
/// every connection. Immutable, compared by value (two routes with equal matches are a config error).
/// </summary>
internal sealed class RouteMatch : IEquatable<RouteMatch>
{
    private readonly byte[]? _alpn;
    private readonly SourceNetwork? _source;

    public RouteMatch(HostPattern? sni = null, string? alpn = null, HostPattern? host = null, bool webSocket = false, IPNetwork? source = null)
    {
        Sni = sni;
        Alpn = alpn;
        _alpn = alpn is null ? null : Encoding.UTF8.GetBytes(alpn);
        Host = host;
        WebSocket = webSocket;
        _source = source is { } network ? new SourceNetwork(network) : null;
    }

    /// <summary>The empty match: every connection.</summary>
    public static RouteMatch Everything { get; } = new();

    /// <summary><c>sni</c>: the ClientHello's server name matches this.</summary>
    public HostPattern? Sni { get; }

    /// <summary><c>alpn</c>: the ClientHello offers this protocol (any position; names compare byte for byte).</summary>
    public string? Alpn { get; }

    /// <summary><c>host</c>: the HTTP request's host (port stripped) matches this.</summary>
    public HostPattern? Host { get; }

    /// <summary><c>websocket: true</c>: the request is a WebSocket opening handshake.</summary>
    public bool WebSocket { get; }

    /// <summary><c>source</c>: the reported client address is in this network.</summary>
    public IPNetwork? Source => _source?.Network;

    /// <summary>True for <c>match: {}</c>.</summary>
    public bool IsCatchAll => Sni is null && Alpn is null && Host is null && !WebSocket && _source is null;

    /// <summary>True when the match reads the first bytes (everything but <c>source</c> does).</summary>
    public bool NeedsFirstBytes => NeedsTls || NeedsHttp;

    /// <summary>It asks for something only a ClientHello shows.</summary>
    public bool NeedsTls => Sni is not null || Alpn is not null;

    /// <summary>It asks for something only an HTTP request head shows.</summary>
    public bool NeedsHttp => Host is not null || WebSocket;

    /// <summary>True when the connection described by <paramref name="input"/> meets every condition.</summary>
    public bool Matches(in RouteInput input) =>
        (Sni is null || (!input.ServerName.IsEmpty && Sni.Matches(input.ServerName)))
        && (_alpn is null || input.Alpn.Contains(_alpn))
        && (Host is null || (!input.Host.IsEmpty && Host.Matches(input.Host)))
        && (!WebSocket || input.IsWebSocket)
        && (_source is not { } source || source.Contains(input.Client));

    /// <summary>True when every connection <paramref name="other"/> matches, this matches too: placed first, it leaves the other nothing.</summary>
    public bool Covers(RouteMatch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return (Sni is null || (other.Sni is not null && Sni.Covers(other.Sni)))
            && (_alpn is null || (other._alpn is not null && _alpn.AsSpan().SequenceEqual(other._alpn)))
            && (Host is null || (other.Host is not null && Host.Covers(other.Host)))
            && (!WebSocket || other.WebSocket)
            && (_source is not { } source || (other._source is { } otherSource && source.Covers(otherSource)));
    }

    public bool Equals(RouteMatch? other) =>
        other is not null && Equals(Sni, other.Sni) && Alpn == other.Alpn && Equals(Host, other.Host)
        && WebSocket == other.WebSocket && Nullable.Equals(_source, other._source);

    public override bool Equals(object? obj) => Equals(obj as RouteMatch);

    public override int GetHashCode() => HashCode.Combine(Sni, Alpn, Host, WebSocket, _source);

    /// <summary>As the config file would write it: <c>{sni: *.example.com, alpn: h2}</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Sni is not null)
        {
            parts.Add($"sni: {Sni}");
        }

        if (Alpn is not null)
        {
            parts.Add($"alpn: {Alpn}");
        }

        if (Host is not null)
        {
            parts.Add($"host: {Host}");
        }

        if (WebSocket)
        {
            parts.Add("websocket: true");
        }

        if (_source is { } source)
        {
            parts.Add($"source: {source}");
        }

        return "{" + string.Join(", ", parts) + "}";
    }
}
