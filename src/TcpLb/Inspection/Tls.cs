namespace TcpLb.Inspection;

/// <summary>The bytes of TLS the ClientHello reader needs, named, with the RFC section that defines each.</summary>
internal static class Tls
{
    /// <summary>RFC 8446 5.1: ContentType handshake.</summary>
    public const byte HandshakeRecord = 22;

    /// <summary>Every TLS record version has major version 3 (SSL 3.0 = 3.0 ... TLS 1.2 = 3.3).</summary>
    public const byte MajorVersion = 3;

    /// <summary>The highest record minor version: TLS 1.3 still writes 3.3 (or 3.1 in an initial ClientHello), RFC 8446 5.1.</summary>
    public const byte MaxRecordMinorVersion = 3;

    /// <summary>Type (1), legacy_record_version (2), length (2).</summary>
    public const int RecordHeaderLength = InspectedBytes.RecordHeaderLength;

    /// <summary>RFC 8446 5.1: a record's fragment is at most 2^14 bytes.</summary>
    public const int MaxFragmentLength = 1 << 14;

    /// <summary>msg_type (1), length (3).</summary>
    public const int HandshakeHeaderLength = 4;

    /// <summary>RFC 8446 4: HandshakeType client_hello.</summary>
    public const byte ClientHello = 1;

    /// <summary>legacy_version (2) random (32) session_id (1+0) cipher_suites (2+2) compression (1+1): the shortest ClientHello body.</summary>
    public const int MinClientHelloLength = 41;

    /// <summary>RFC 8446 4.1.2: legacy_session_id is at most 32 bytes.</summary>
    public const int MaxSessionIdLength = 32;

    /// <summary>RFC 8446 4.1.2: the client's random.</summary>
    public const int RandomLength = 32;

    /// <summary>RFC 6066 3.</summary>
    public const ushort ServerNameExtension = 0x0000;

    /// <summary>RFC 7301 3.1.</summary>
    public const ushort AlpnExtension = 0x0010;

    /// <summary>RFC 8446 4.2.1.</summary>
    public const ushort SupportedVersionsExtension = 0x002B;

    /// <summary>TLS Encrypted Client Hello (draft-ietf-tls-esni): in the outer hello, whose SNI is the public name.</summary>
    public const ushort EncryptedClientHelloExtension = 0xFE0D;

    /// <summary>RFC 6066 3: NameType host_name.</summary>
    public const byte HostNameType = 0;

    /// <summary>A DNS name is at most 253 bytes written out; 255 leaves room and is what the AUTHORITY TLV takes (HAProxy refuses more).</summary>
    public const int MaxHostNameLength = 255;

    /// <summary>RFC 8701 2: GREASE values are 0x?A?A with equal bytes; in cipher suites, extensions, versions, groups.</summary>
    public static bool IsGrease(ushort value) => (value & 0x0F0F) == 0x0A0A && (value >> 8) == (value & 0xFF);

    /// <summary>RFC 8701 2: one byte of a GREASE value (0x0A, 0x1A, ... 0xFA).</summary>
    public static bool IsGrease(byte value) => (value & 0x0F) == 0x0A;
}
