using System.Text;
using TcpLb.Configuration;

namespace TcpLb.Tlvs;

/// <summary>
/// Which TLVs a listener or route adds to the PROXY v2 header it sends (<c>proxyTlvs: [authority, alpn,
/// unique-id, crc32c, {type: 0xE1, value: "..."}]</c>), and whether the upstream's are passed on. Immutable:
/// part of a configuration snapshot.
/// </summary>
internal sealed class ProxyTlvChoice
{
    /// <summary>Nothing added, nothing forwarded: the header TcpLb always sent.</summary>
    public static readonly ProxyTlvChoice None = new();

    /// <summary>AUTHORITY (0x02): the ClientHello's SNI, else the HTTP request's host, when one was read and fits in 255 bytes.</summary>
    public bool Authority { get; init; }

    /// <summary>
    /// ALPN (0x01): the first protocol the ClientHello offers. TLS is not terminated, so no protocol has been
    /// agreed yet: this is the client's first choice, which the TLS-terminating router will usually pick.
    /// </summary>
    public bool Alpn { get; init; }

    /// <summary>UNIQUE_ID (0x05): the connection's <see cref="ConnectionId"/> in its text form, as the access log writes it.</summary>
    public bool UniqueId { get; init; }

    /// <summary>CRC32C (0x03) over the whole header, written last by the codec.</summary>
    public bool Crc32C { get; init; }

    /// <summary>Pass on the TLVs of a trusted upstream's header (rule 24), first, except its CRC32C and any type written here too.</summary>
    public bool ForwardUpstream { get; init; }

    /// <summary>Fixed TLVs of the custom range, in order.</summary>
    public IReadOnlyList<CustomTlv> Custom { get; init; } = [];

    /// <summary>True when the header carries no TLV at all.</summary>
    public bool IsEmpty => !Authority && !Alpn && !UniqueId && !Crc32C && !ForwardUpstream && Custom.Count == 0;

    /// <summary>True when TcpLb writes TLVs of its own (beyond a checksum and the upstream's): the header is composed per connection.</summary>
    public bool AddsOwnTlvs => Authority || Alpn || UniqueId || Custom.Count > 0;

    /// <summary>True when a TLV's value comes from the client's first bytes (AUTHORITY, ALPN): they are inspected even without routes.</summary>
    public bool NeedsFirstBytes => Authority || Alpn;

    /// <summary>
    /// The choice a <c>proxyTlvs</c> list makes, with the listener's <c>sendProxyCrc32c</c> (the same as <c>crc32c</c> in the
    /// list) and <c>forwardTlvs</c>. A custom TLV's value is its text's UTF-8 bytes.
    /// </summary>
    public static ProxyTlvChoice From(IReadOnlyList<ProxyTlvOptions> tlvs, bool crc32C, bool forwardUpstream)
    {
        ArgumentNullException.ThrowIfNull(tlvs);
        return new ProxyTlvChoice
        {
            Authority = tlvs.Any(tlv => tlv.Kind == ProxyTlvKind.Authority),
            Alpn = tlvs.Any(tlv => tlv.Kind == ProxyTlvKind.Alpn),
            UniqueId = tlvs.Any(tlv => tlv.Kind == ProxyTlvKind.UniqueId),
            Crc32C = crc32C || tlvs.Any(tlv => tlv.Kind == ProxyTlvKind.Crc32C),
            ForwardUpstream = forwardUpstream,
            Custom = [.. tlvs.Where(tlv => tlv.Kind == ProxyTlvKind.Custom).Select(tlv => new CustomTlv((byte)tlv.Type, Encoding.UTF8.GetBytes(tlv.Value)))],
        };
    }
}
