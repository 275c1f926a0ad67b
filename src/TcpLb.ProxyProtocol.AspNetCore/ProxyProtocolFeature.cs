using System.Buffers;
using System.Net;

namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>
/// The connection's header, owned: its TLV bytes were copied out of the pipe (one array, so every TLV value is
/// one contiguous slice). Strings are decoded on first use and kept; two requests racing to decode one get equal values.
/// </summary>
internal sealed class ProxyProtocolFeature : IProxyProtocolFeature
{
    private string? _authority;
    private string? _awsVpcEndpointId;

    public ProxyProtocolFeature(ProxyHeader ownedHeader, EndPoint? proxyEndPoint)
    {
        Header = ownedHeader;
        ProxyEndPoint = proxyEndPoint;
        SourceEndPoint = ownedHeader.GetSourceEndPoint();
        DestinationEndPoint = ownedHeader.GetDestinationEndPoint();
    }

    public ProxyHeader Header { get; }

    public ProxyVersion Version => Header.Version;

    public ProxyCommand Command => Header.Command;

    public IPEndPoint? SourceEndPoint { get; }

    public IPEndPoint? DestinationEndPoint { get; }

    public EndPoint? ProxyEndPoint { get; }

    public string? Authority => _authority ??= Header.TryGetTlv(ProxyTlvType.Authority, out ProxyTlv tlv) && tlv.TryGetAuthority(out string? text) ? text : null;

    public ReadOnlyMemory<byte> Alpn => Header.TryGetTlv(ProxyTlvType.Alpn, out ProxyTlv tlv) && tlv.TryGetAlpn(out ReadOnlySequence<byte> value) ? value.First : default;

    public ReadOnlyMemory<byte> UniqueId => Header.TryGetTlv(ProxyTlvType.UniqueId, out ProxyTlv tlv) && tlv.TryGetUniqueId(out ReadOnlySequence<byte> value) ? value.First : default;

    public ProxySslInfo? Ssl => Header.TryGetTlv(ProxyTlvType.Ssl, out ProxyTlv tlv) && tlv.TryGetSsl(out ProxySslInfo ssl) ? ssl : null;

    public string? SslVersion => GetSslText(ProxyTlvType.SslVersion);

    public string? SslCommonName => GetSslText(ProxyTlvType.SslCommonName);

    public string? SslCipher => GetSslText(ProxyTlvType.SslCipher);

    public string? AwsVpcEndpointId => _awsVpcEndpointId ??= FindAwsVpcEndpointId();

    public uint? AzureLinkId
    {
        get
        {
            // Rule 17: vendor TLVs carry a sub-type, so one type may repeat; the LinkID is the 0x01 one.
            foreach (ProxyTlv tlv in Header.EnumerateTlvs())
            {
                if (tlv.TryGetAzureLinkId(out uint id))
                {
                    return id;
                }
            }

            return null;
        }
    }

    public ulong? GcpPscConnectionId => Header.TryGetTlv(ProxyTlvType.GcpPrivateServiceConnect, out ProxyTlv tlv) && tlv.TryGetGcpPscConnectionId(out ulong id) ? id : null;

    private string? FindAwsVpcEndpointId()
    {
        foreach (ProxyTlv tlv in Header.EnumerateTlvs())
        {
            if (tlv.TryGetAwsVpcEndpointId(out string? id))
            {
                return id;
            }
        }

        return null;
    }

    public bool TryGetTlv(ProxyTlvType type, out ProxyTlv tlv) => Header.TryGetTlv(type, out tlv);

    public string? GetSslText(ProxyTlvType subType) =>
        Ssl is { } ssl && ssl.TryGetSubTlv(subType, out ProxyTlv tlv) && tlv.TryGetString(subType, out string? text) ? text : null;
}
