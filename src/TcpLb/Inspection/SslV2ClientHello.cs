using System.Buffers;
using System.Buffers.Binary;

namespace TcpLb.Inspection;

/// <summary>
/// The SSL 2.0 ClientHello that old clients send for backward compatibility (RFC 5246 E.2, RFC 6101 E.1):
/// a 2-byte record header with the high bit set, then msg_type 1 and a version. It has no extensions, so
/// it means "TLS, no SNI, no ALPN"; the reader checks its lengths add up and reports it as such.
/// </summary>
internal static class SslV2ClientHello
{
    /// <summary>The record header (2) then msg_type (1), version (2), and three 2-byte lengths.</summary>
    public const int FixedLength = 11;

    /// <summary>msg_type CLIENT-HELLO.</summary>
    public const byte ClientHelloType = 1;

    /// <summary>The SSL 2.0 protocol version, when the client speaks nothing later.</summary>
    public const ushort Ssl2Version = 0x0002;

    /// <summary>An SSLv2 record with a 2-byte header: the high bit of the first byte is set (no TLS or HTTP byte is).</summary>
    public static bool HasTwoByteHeader(byte first) => (first & 0x80) != 0;

    /// <summary>
    /// True when the first bytes can only begin an SSLv2-compatible hello: msg_type 1 and a version of
    /// 2.0 or 3.x, as far as they have arrived. Needs at least 3 bytes to say anything.
    /// </summary>
    public static bool LooksLikeHello(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 3 && HasTwoByteHeader(bytes[0]) && bytes[2] == ClientHelloType
        && (bytes.Length < 4 || bytes[3] is 0x00 or Tls.MajorVersion)
        && (bytes.Length < 5 || bytes[3] != 0x00 || bytes[4] == 0x02);

    public static InspectionResult Read(in ReadOnlySequence<byte> input, ReadOnlySpan<byte> bytes, int maxBytes)
    {
        if (bytes.Length >= 3 && !LooksLikeHello(bytes))
        {
            return InspectionResult.NotThisProtocol(input, DetectedProtocol.Tls);
        }

        int recordLength = bytes.Length >= 2 ? ((bytes[0] & 0x7F) << 8) | bytes[1] : 0;
        if (bytes.Length >= 2 && 2 + recordLength > maxBytes)
        {
            return InspectionResult.Invalid(input, DetectedProtocol.Tls, InspectionError.LargerThanCap);
        }

        if (bytes.Length < FixedLength || bytes.Length < 2 + recordLength)
        {
            return InspectionResult.Incomplete(input, DetectedProtocol.Tls, maxBytes);
        }

        // RFC 5246 E.2: cipher specs are 3 bytes each, the session id empty or 16 bytes, the challenge 16..32 bytes.
        int cipherSpecs = BinaryPrimitives.ReadUInt16BigEndian(bytes[5..]);
        int sessionId = BinaryPrimitives.ReadUInt16BigEndian(bytes[7..]);
        int challenge = BinaryPrimitives.ReadUInt16BigEndian(bytes[9..]);
        bool lengthsAddUp = cipherSpecs > 0 && cipherSpecs % 3 == 0 && sessionId is 0 or 16 && challenge is >= 16 and <= 32
            && recordLength == FixedLength - 2 + cipherSpecs + sessionId + challenge;
        if (!lengthsAddUp)
        {
            return InspectionResult.Invalid(input, DetectedProtocol.Tls, InspectionError.SslV2MalformedHello);
        }

        var hello = new ClientHello(default, default, BinaryPrimitives.ReadUInt16BigEndian(bytes[3..]), sslV2Compatible: true, offersEncryptedClientHello: false);
        return InspectionResult.FoundHello(input, hello, 2 + recordLength);
    }
}
