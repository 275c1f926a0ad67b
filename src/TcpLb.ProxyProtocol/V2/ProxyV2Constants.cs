namespace TcpLb.ProxyProtocol.V2;

/// <summary>Every byte of the v2 layout, named, with the rule that defines it.</summary>
internal static class ProxyV2Constants
{
    /// <summary>Offsets 0..11: the signature, chosen to be unlike any protocol's first bytes.</summary>
    public static ReadOnlySpan<byte> Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public const int SignatureLength = 12;

    /// <summary>Offset 12: version (high nibble) and command (low nibble).</summary>
    public const int VersionCommandOffset = 12;

    /// <summary>Offset 13: family (high nibble) and transport (low nibble).</summary>
    public const int FamilyTransportOffset = 13;

    /// <summary>Offset 14: the big-endian length of what follows.</summary>
    public const int LengthOffset = 14;

    /// <summary>The fixed part before the address block (rule 12: a header is 16 + len bytes).</summary>
    public const int FixedLength = 16;

    /// <summary>The version nibble (rule 7).</summary>
    public const int Version = 2;

    /// <summary>The largest header: 16 + 65535 (rule 12).</summary>
    public const int MaxHeaderLength = FixedLength + ushort.MaxValue;

    /// <summary>Rule 9: INET block = 4 + 4 address bytes + 2 + 2 port bytes.</summary>
    public const int InetBlockLength = 12;

    /// <summary>Rule 9: INET6 block = 16 + 16 + 2 + 2.</summary>
    public const int Inet6BlockLength = 36;

    /// <summary>Rule 9: UNIX block = 108 + 108 path bytes.</summary>
    public const int UnixBlockLength = 216;

    /// <summary>A CRC32C TLV: 3-byte TLV header + 4-byte value.</summary>
    public const int Crc32CTlvLength = 7;

    /// <summary>The address block length for a family nibble 0..3.</summary>
    public static int AddressBlockLength(int family) => family switch
    {
        1 => InetBlockLength,
        2 => Inet6BlockLength,
        3 => UnixBlockLength,
        _ => 0,
    };
}
