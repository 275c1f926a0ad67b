using System.Text;
using TcpLb.Inspection;

namespace TcpLb.Tests.Inspection.Support;

/// <summary>Everything an inspection result says, as plain values: two results mean the same when their facts are equal.</summary>
internal sealed record InspectedFacts(
    InspectionStatus Status,
    InspectionError Error,
    DetectedProtocol Protocol,
    long Length,
    string? ServerName,
    string Alpn,
    ushort Version,
    bool SslV2Compatible,
    bool EncryptedClientHello,
    string? Method,
    string? Target,
    int MinorVersion,
    string? Host,
    bool UpgradeWebSocket,
    bool ConnectionUpgrade,
    bool WebSocket)
{
    public static InspectedFacts Of(in InspectionResult result)
    {
        ClientHello hello = result.Hello;
        RequestHead head = result.Head;
        bool tls = result.IsFound && result.Protocol == DetectedProtocol.Tls;
        bool http = result.IsFound && result.Protocol == DetectedProtocol.Http;
        return new InspectedFacts(
            result.Status,
            result.Error,
            result.Protocol,
            result.Length,
            tls && !hello.ServerName.IsEmpty ? hello.ServerName.ToString() : null,
            tls ? AlpnText(hello.Alpn) : string.Empty,
            hello.Version,
            hello.IsSslV2Compatible,
            hello.OffersEncryptedClientHello,
            http ? Encoding.Latin1.GetString(head.Method) : null,
            http ? Encoding.Latin1.GetString(head.Target) : null,
            head.MinorVersion,
            http && !head.Host.IsEmpty ? head.Host.ToString() : null,
            head.UpgradeWebSocket,
            head.ConnectionUpgrade,
            head.IsWebSocketUpgrade);
    }

    /// <summary>The offered names, comma-separated, GREASE already skipped by the list.</summary>
    public static string AlpnText(AlpnProtocolList alpn)
    {
        var names = new List<string>();
        foreach (InspectedBytes name in alpn)
        {
            names.Add(name.ToString());
        }

        return string.Join(",", names);
    }
}
