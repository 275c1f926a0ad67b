using System.Buffers;

namespace TcpLb.Inspection;

/// <summary>
/// Tells from a connection's first bytes whether it is TLS or HTTP/1.x, and reads the ClientHello or the
/// request head accordingly. Stateless like the readers: call <see cref="Inspect"/> again from the start after
/// each read while the status is NeedMore, at most until <c>maxBytes</c> are in or the first-bytes timeout fires.
/// </summary>
internal static class FirstBytesInspector
{
    /// <summary>What the first bytes are: TLS, HTTP, neither, or too few to tell.</summary>
    public static DetectedProtocol Detect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return DetectedProtocol.NeedMore;
        }

        if (bytes[0] == Tls.HandshakeRecord)
        {
            return bytes.Length < 2 ? DetectedProtocol.NeedMore : StartsLikeTlsRecord(bytes) ? DetectedProtocol.Tls : DetectedProtocol.Neither;
        }

        if (SslV2ClientHello.HasTwoByteHeader(bytes[0]))
        {
            return bytes.Length < 3 ? DetectedProtocol.NeedMore : SslV2ClientHello.LooksLikeHello(bytes) ? DetectedProtocol.Tls : DetectedProtocol.Neither;
        }

        return RequestHeadReader.DetectRequestLine(bytes, out _, out _);
    }

    /// <summary>A handshake record of major version 3, as far as its bytes have arrived.</summary>
    public static bool StartsLikeTlsRecord(ReadOnlySpan<byte> bytes) =>
        !bytes.IsEmpty && bytes[0] == Tls.HandshakeRecord && (bytes.Length < 2 || bytes[1] == Tls.MajorVersion);

    /// <summary>
    /// Detects the protocol of the first <paramref name="maxBytes"/> bytes of <paramref name="input"/> and reads
    /// its hello or head. NotThisProtocol (with <see cref="InspectionResult.Protocol"/> Neither) as soon as the
    /// bytes are neither; Invalid when they announce TLS or HTTP but break it or do not fit in the cap.
    /// </summary>
    public static InspectionResult Inspect(in ReadOnlySequence<byte> input, int maxBytes)
    {
        using var flat = ContiguousBytes.Capped(input, maxBytes);
        ReadOnlySpan<byte> bytes = flat.Span;
        return Detect(bytes) switch
        {
            DetectedProtocol.Tls => ClientHelloReader.Read(input, bytes, maxBytes),
            DetectedProtocol.Http => RequestHeadReader.Read(input, bytes, maxBytes),
            DetectedProtocol.NeedMore => InspectionResult.Incomplete(input, DetectedProtocol.NeedMore, maxBytes),
            _ => InspectionResult.NotThisProtocol(input, DetectedProtocol.Neither),
        };
    }
}
