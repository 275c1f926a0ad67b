using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Support;

/// <summary>
/// What the application saw of a connection, as <c>key=value</c> lines: the page every test app serves, the first
/// WebSocket message, and the first line of the raw connection handler. Tests compare it with the client's real socket.
/// </summary>
internal static class WhoAmI
{
    public static string Describe(HttpContext context)
    {
        var text = new StringBuilder();
        // HttpContext.Connection reads the request's IHttpConnectionFeature, which Kestrel fills from the connection.
        text.Append(CultureInfo.InvariantCulture, $"remote={context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}\n");
        text.Append(CultureInfo.InvariantCulture, $"local={context.Connection.LocalIpAddress}:{context.Connection.LocalPort}\n");
        text.Append(CultureInfo.InvariantCulture, $"protocol={context.Request.Protocol}\n");
        text.Append(CultureInfo.InvariantCulture, $"https={context.Request.IsHttps}\n");
        AppendFeature(text, context.Features.Get<IProxyProtocolFeature>());
        return text.ToString();
    }

    public static string Describe(ConnectionContext connection)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"remote={connection.RemoteEndPoint}\n");
        text.Append(CultureInfo.InvariantCulture, $"local={connection.LocalEndPoint}\n");
        AppendFeature(text, connection.Features.Get<IProxyProtocolFeature>());
        return text.ToString();
    }

    /// <summary>Reads the lines back (the first value of each key).</summary>
    public static Dictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values.TryAdd(line[..equals], line[(equals + 1)..].TrimEnd('\r'));
            }
        }

        return values;
    }

    private static void AppendFeature(StringBuilder text, IProxyProtocolFeature? feature)
    {
        if (feature is null)
        {
            text.Append("header=none\n");
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $"header=v{(int)feature.Version} {feature.Command}\n");
        text.Append(CultureInfo.InvariantCulture, $"proxy={feature.ProxyEndPoint}\n");
        text.Append(CultureInfo.InvariantCulture, $"authority={feature.Authority}\n");
        text.Append(CultureInfo.InvariantCulture, $"alpn={Encoding.ASCII.GetString(feature.Alpn.Span)}\n");
        text.Append(CultureInfo.InvariantCulture, $"unique-id={Encoding.ASCII.GetString(feature.UniqueId.Span)}\n");
        text.Append(CultureInfo.InvariantCulture, $"ssl={feature.Ssl?.Client}\n");
        text.Append(CultureInfo.InvariantCulture, $"ssl-version={feature.SslVersion}\n");
        text.Append(CultureInfo.InvariantCulture, $"crc32c={feature.TryGetTlv(ProxyTlvType.Crc32C, out _)}\n");
    }
}
