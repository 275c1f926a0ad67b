using System.Buffers;

namespace TcpLb.Inspection;

/// <summary>
/// Reads a TLS ClientHello from the start of a connection's bytes: its SNI, ALPN offer and version, without
/// terminating TLS. Stateless: call it again from the start after each read until the status is not NeedMore.
/// Never throws on wire bytes, looks at no more than <c>maxBytes</c>, and allocates nothing (a hello in
/// several pipe segments is copied into a pooled buffer first, see <see cref="ContiguousBytes"/>).
/// </summary>
/// <remarks>
/// Two passes. The first frames the hello: it walks the handshake records (any number, each checked) until
/// the ClientHello's declared length is covered, so that a hello split across records and reads waits for
/// exactly its own bytes. The second reads the now complete hello field by field, each length checked
/// against the message, the extension and the vector it belongs to. Records and bytes after the hello
/// are not looked at.
/// </remarks>
internal static class ClientHelloReader
{
    /// <summary>Reads a ClientHello from at most the first <paramref name="maxBytes"/> bytes of <paramref name="input"/>.</summary>
    public static InspectionResult Read(in ReadOnlySequence<byte> input, int maxBytes)
    {
        using var flat = ContiguousBytes.Capped(input, maxBytes);
        return Read(input, flat.Span, maxBytes);
    }

    /// <summary>As <see cref="Read(in ReadOnlySequence{byte}, int)"/>, given the input's first bytes (at most the cap) as one span.</summary>
    internal static InspectionResult Read(in ReadOnlySequence<byte> input, ReadOnlySpan<byte> bytes, int maxBytes)
    {
        if (bytes.IsEmpty)
        {
            return InspectionResult.NeedMore(input, DetectedProtocol.Tls);
        }

        if (SslV2ClientHello.HasTwoByteHeader(bytes[0]))
        {
            return SslV2ClientHello.Read(input, bytes, maxBytes);
        }

        if (!FirstBytesInspector.StartsLikeTlsRecord(bytes))
        {
            return InspectionResult.NotThisProtocol(input, DetectedProtocol.Tls);
        }

        // Pass 1: the handshake header, then the records that carry the rest of the hello.
        var framing = new HandshakeCursor(bytes);
        if (!framing.TryRead(out byte messageType))
        {
            return Stopped(input, framing, maxBytes);
        }

        if (messageType != Tls.ClientHello)
        {
            return InspectionResult.Invalid(input, DetectedProtocol.Tls, InspectionError.TlsNotClientHello);
        }

        if (!framing.TryReadUInt24(out int length))
        {
            return Stopped(input, framing, maxBytes);
        }

        if (length < Tls.MinClientHelloLength)
        {
            return InspectionResult.Invalid(input, DetectedProtocol.Tls, InspectionError.TlsMalformedHello);
        }

        // Even in one record the hello would end past the cap: say so now rather than wait for bytes never read.
        if ((long)framing.Offset + length > maxBytes)
        {
            return InspectionResult.Invalid(input, DetectedProtocol.Tls, InspectionError.LargerThanCap);
        }

        if (!framing.TrySkip(length))
        {
            return Stopped(input, framing, maxBytes);
        }

        // Pass 2: every byte of the hello is here and its records are valid; read its fields.
        int end = framing.Offset;
        var cursor = new HandshakeCursor(bytes[..end]);
        cursor.TrySkip(Tls.HandshakeHeaderLength);
        cursor.Limit(length);
        var facts = new HelloFacts();
        InspectionError error = ReadBody(ref cursor, ref facts);
        if (error == InspectionError.None)
        {
            error = ReadServerName(input, facts, out InspectedBytes serverName);
            if (error == InspectionError.None)
            {
                var hello = new ClientHello(serverName, new AlpnProtocolList(View(input, facts.Alpn, facts.AlpnEnd)), facts.Version, false, facts.SeenEncryptedClientHello);
                return InspectionResult.FoundHello(input, hello, end);
            }
        }

        return InspectionResult.Invalid(input, DetectedProtocol.Tls, error);
    }

    // RFC 8446 4.1.2 (and RFC 5246 7.4.1.2, where extensions may be absent).
    private static InspectionError ReadBody(ref HandshakeCursor cursor, ref HelloFacts facts)
    {
        if (!cursor.TryReadUInt16(out int legacyVersion) || legacyVersion >> 8 != Tls.MajorVersion
            || !cursor.TrySkip(Tls.RandomLength)
            || !cursor.TryRead(out byte sessionIdLength) || sessionIdLength > Tls.MaxSessionIdLength || !cursor.TrySkip(sessionIdLength)
            || !cursor.TryReadUInt16(out int suitesLength) || suitesLength < 2 || suitesLength % 2 != 0 || !cursor.TrySkip(suitesLength)
            || !cursor.TryRead(out byte compressionLength) || compressionLength < 1 || !cursor.TrySkip(compressionLength))
        {
            return InspectionError.TlsMalformedHello;
        }

        facts.Version = (ushort)legacyVersion;
        if (cursor.MessageLeft == 0)
        {
            return InspectionError.None; // an SSL 3.0 / TLS 1.0 hello without extensions
        }

        if (!cursor.TryReadUInt16(out int extensionsLength) || extensionsLength != cursor.MessageLeft)
        {
            return InspectionError.TlsMalformedHello;
        }

        while (cursor.MessageLeft > 0)
        {
            if (!cursor.TryReadUInt16(out int type) || !cursor.TryReadUInt16(out int extensionLength) || extensionLength > cursor.MessageLeft)
            {
                return InspectionError.TlsMalformedHello;
            }

            // Each extension is read within its own length; the message's rest is restored after it.
            int rest = cursor.MessageLeft - extensionLength;
            cursor.Limit(extensionLength);
            InspectionError error = type switch
            {
                Tls.ServerNameExtension => ReadServerNameList(ref cursor, ref facts),
                Tls.AlpnExtension => ReadAlpn(ref cursor, ref facts),
                Tls.SupportedVersionsExtension => ReadSupportedVersions(ref cursor, ref facts),
                Tls.EncryptedClientHelloExtension => !FirstSight(ref facts.SeenEncryptedClientHello) ? InspectionError.TlsDuplicateExtension
                    : cursor.TrySkip(extensionLength) ? InspectionError.None : InspectionError.TlsMalformedHello,
                _ => cursor.TrySkip(extensionLength) ? InspectionError.None : InspectionError.TlsMalformedHello,
            };
            if (error != InspectionError.None)
            {
                return error;
            }

            cursor.Limit(rest);
        }

        return InspectionError.None;
    }

    // RFC 6066 3: a ServerNameList of at least one entry, at most one host_name; other name types skipped.
    private static InspectionError ReadServerNameList(ref HandshakeCursor cursor, ref HelloFacts facts)
    {
        if (!FirstSight(ref facts.SeenServerName))
        {
            return InspectionError.TlsDuplicateExtension;
        }

        if (!cursor.TryReadUInt16(out int listLength) || listLength == 0 || listLength != cursor.MessageLeft)
        {
            return InspectionError.TlsBadServerName;
        }

        while (cursor.MessageLeft > 0)
        {
            if (!cursor.TryRead(out byte nameType) || !cursor.TryReadUInt16(out int nameLength))
            {
                return InspectionError.TlsBadServerName;
            }

            if (nameType != Tls.HostNameType)
            {
                if (!cursor.TrySkip(nameLength))
                {
                    return InspectionError.TlsBadServerName;
                }

                continue;
            }

            if (facts.HostName.Length > 0 || nameLength is 0 or > Tls.MaxHostNameLength
                || !cursor.TryMark(nameLength, out facts.HostName) || !cursor.TrySkip(nameLength))
            {
                return InspectionError.TlsBadServerName;
            }

            facts.HostNameEnd = cursor.Offset;
        }

        return InspectionError.None;
    }

    // RFC 7301 3.1: a ProtocolNameList of 2+ bytes, each name 1..255 bytes.
    private static InspectionError ReadAlpn(ref HandshakeCursor cursor, ref HelloFacts facts)
    {
        if (!FirstSight(ref facts.SeenAlpn))
        {
            return InspectionError.TlsDuplicateExtension;
        }

        if (!cursor.TryReadUInt16(out int listLength) || listLength < 2 || listLength != cursor.MessageLeft
            || !cursor.TryMark(listLength, out facts.Alpn))
        {
            return InspectionError.TlsBadAlpn;
        }

        while (cursor.MessageLeft > 0)
        {
            if (!cursor.TryRead(out byte nameLength) || nameLength == 0 || !cursor.TrySkip(nameLength))
            {
                return InspectionError.TlsBadAlpn;
            }
        }

        facts.AlpnEnd = cursor.Offset;
        return InspectionError.None;
    }

    // RFC 8446 4.2.1: the versions the client offers, 2..254 bytes; the highest that is not GREASE wins.
    private static InspectionError ReadSupportedVersions(ref HandshakeCursor cursor, ref HelloFacts facts)
    {
        if (!FirstSight(ref facts.SeenSupportedVersions))
        {
            return InspectionError.TlsDuplicateExtension;
        }

        if (!cursor.TryRead(out byte listLength) || listLength < 2 || listLength % 2 != 0 || listLength != cursor.MessageLeft)
        {
            return InspectionError.TlsMalformedHello;
        }

        int highest = 0;
        while (cursor.MessageLeft > 0)
        {
            cursor.TryReadUInt16(out int version);
            highest = Tls.IsGrease((ushort)version) ? highest : Math.Max(highest, version);
        }

        facts.Version = highest == 0 ? facts.Version : (ushort)highest;
        return InspectionError.None;
    }

    // RFC 8446 4.2: an extension appears at most once; true the first time.
    private static bool FirstSight(ref bool seen)
    {
        bool first = !seen;
        seen = true;
        return first;
    }

    // The host_name as a router compares it: letters, digits, '-', '_' and dots between labels; one trailing dot dropped.
    private static InspectionError ReadServerName(in ReadOnlySequence<byte> input, in HelloFacts facts, out InspectedBytes serverName)
    {
        serverName = View(input, facts.HostName, facts.HostNameEnd);
        if (serverName.IsEmpty)
        {
            return InspectionError.None;
        }

        Span<byte> name = stackalloc byte[Tls.MaxHostNameLength];
        serverName.TryCopyTo(name);
        name = name[..serverName.Length];
        if (name[^1] == (byte)'.')
        {
            name = name[..^1];
            serverName = serverName.Slice(0, name.Length);
        }

        return HostNameSyntax.IsDnsName(name) ? InspectionError.None : InspectionError.TlsBadServerName;
    }

    private static InspectedBytes View(in ReadOnlySequence<byte> input, HandshakeCursor.ValueMark mark, int end) =>
        mark.Length == 0 ? default : new InspectedBytes(input.Slice(mark.WireStart, end - mark.WireStart), mark.FirstRun, mark.Length);

    private static InspectionResult Stopped(in ReadOnlySequence<byte> input, in HandshakeCursor cursor, int maxBytes) =>
        cursor.Error != InspectionError.None
            ? InspectionResult.Invalid(input, DetectedProtocol.Tls, cursor.Error)
            : InspectionResult.Incomplete(input, DetectedProtocol.Tls, maxBytes);

    /// <summary>What the hello's fields said so far.</summary>
    private struct HelloFacts
    {
        public HandshakeCursor.ValueMark HostName;
        public int HostNameEnd;
        public HandshakeCursor.ValueMark Alpn;
        public int AlpnEnd;
        public ushort Version;
        public bool SeenServerName;
        public bool SeenAlpn;
        public bool SeenSupportedVersions;
        public bool SeenEncryptedClientHello;
    }
}
