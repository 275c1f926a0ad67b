using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace TcpLb.ProxyProtocol;

/// <summary>
/// One v2 TLV: a type and a view of its value bytes. A parsed TLV points into the bytes the header
/// was parsed from (valid until the reader advances past them; see <see cref="ProxyHeader.ToOwned"/>);
/// one built for writing points at the caller's memory. The typed accessors return false when the
/// type or the value's shape does not match, never throw.
/// </summary>
public readonly struct ProxyTlv
{
    /// <summary>Aws sub-type of the VPC endpoint id.</summary>
    public const byte AwsVpcEndpointIdSubtype = 0x01;

    /// <summary>Azure sub-type of the Private Link LinkID.</summary>
    public const byte AzureLinkIdSubtype = 0x01;

    /// <summary>The longest UNIQUE_ID value the spec allows.</summary>
    public const int MaxUniqueIdLength = 128;

    /// <summary>A TLV over bytes the caller owns.</summary>
    public ProxyTlv(ProxyTlvType type, ReadOnlyMemory<byte> value)
        : this(type, new ReadOnlySequence<byte>(value))
    {
    }

    /// <summary>A TLV over a sequence (what the parser hands out).</summary>
    public ProxyTlv(ProxyTlvType type, ReadOnlySequence<byte> value)
    {
        Type = type;
        Value = value;
    }

    /// <summary>The type byte; unregistered values are kept as they are (rule 14).</summary>
    public ProxyTlvType Type { get; }

    /// <summary>The value bytes.</summary>
    public ReadOnlySequence<byte> Value { get; }

    /// <summary>ALPN: the protocol bytes (e.g. <c>h2</c>).</summary>
    public bool TryGetAlpn(out ReadOnlySequence<byte> protocol) => TryGetOpaque(ProxyTlvType.Alpn, out protocol);

    /// <summary>AUTHORITY: the host name (allocates a string).</summary>
    public bool TryGetAuthority(out string? authority) => TryGetText(ProxyTlvType.Authority, Encoding.UTF8, out authority);

    /// <summary>CRC32C: the checksum as carried, big-endian on the wire.</summary>
    public bool TryGetCrc32C(out uint checksum) => TryGetFixed(ProxyTlvType.Crc32C, out checksum);

    /// <summary>NOOP: true when this is padding.</summary>
    public bool IsNoop => Type == ProxyTlvType.Noop;

    /// <summary>UNIQUE_ID: the opaque id, when at most 128 bytes long.</summary>
    public bool TryGetUniqueId(out ReadOnlySequence<byte> id) =>
        TryGetOpaque(ProxyTlvType.UniqueId, out id) && id.Length <= MaxUniqueIdLength;

    /// <summary>SSL: the client flags, verify result and sub-TLVs.</summary>
    public bool TryGetSsl(out ProxySslInfo ssl) => ProxySslInfo.TryRead(this, out ssl);

    /// <summary>NETNS: the namespace name (allocates a string).</summary>
    public bool TryGetNetworkNamespace(out string? name) => TryGetText(ProxyTlvType.NetworkNamespace, Encoding.ASCII, out name);

    /// <summary>Any text-valued TLV or SSL sub-TLV of the given type (allocates a string).</summary>
    public bool TryGetString(ProxyTlvType type, out string? text) =>
        TryGetText(type, type == ProxyTlvType.SslCommonName || type == ProxyTlvType.Authority ? Encoding.UTF8 : Encoding.ASCII, out text);

    /// <summary>AWS: the VPC endpoint id (sub-type 0x01, ASCII; allocates a string).</summary>
    public bool TryGetAwsVpcEndpointId(out string? endpointId)
    {
        endpointId = null;
        if (Type != ProxyTlvType.Aws || Value.Length < 1 || Value.FirstSpan[0] != AwsVpcEndpointIdSubtype)
        {
            return false;
        }

        endpointId = Encoding.ASCII.GetString(Value.Slice(1));
        return true;
    }

    /// <summary>Azure Private Link: the LinkID (sub-type 0x01, uint32 little-endian).</summary>
    public bool TryGetAzureLinkId(out uint linkId)
    {
        Span<byte> bytes = stackalloc byte[5];
        bool ok = TryCopyExactly(ProxyTlvType.Azure, bytes) && bytes[0] == AzureLinkIdSubtype;
        linkId = ok ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[1..]) : 0;
        return ok;
    }

    /// <summary>GCP Private Service Connect: the PSC connection id (uint64 big-endian).</summary>
    public bool TryGetGcpPscConnectionId(out ulong connectionId)
    {
        Span<byte> bytes = stackalloc byte[8];
        bool ok = TryCopyExactly(ProxyTlvType.GcpPrivateServiceConnect, bytes);
        connectionId = ok ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : 0;
        return ok;
    }

    private bool TryGetOpaque(ProxyTlvType type, out ReadOnlySequence<byte> value)
    {
        value = Type == type ? Value : default;
        return Type == type;
    }

    private bool TryGetText(ProxyTlvType type, Encoding encoding, out string? text)
    {
        text = Type == type ? encoding.GetString(Value) : null;
        return text is not null;
    }

    private bool TryGetFixed(ProxyTlvType type, out uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        bool ok = TryCopyExactly(type, bytes);
        value = ok ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : 0;
        return ok;
    }

    // A fixed-size value: the type must match and the value fill the destination exactly.
    private bool TryCopyExactly(ProxyTlvType type, Span<byte> destination)
    {
        if (Type != type || Value.Length != destination.Length)
        {
            return false;
        }

        Value.CopyTo(destination);
        return true;
    }
}
