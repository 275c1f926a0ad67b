using System.Buffers;
using System.Text;

namespace TcpLb.Inspection;

/// <summary>
/// Reads an HTTP/1.x request head from the start of a connection's bytes: the request line, the host the
/// request is for, and whether it asks for a WebSocket. Stateless: call it again from the start after each
/// read until the status is not NeedMore. Never throws on wire bytes, looks at no more than <c>maxBytes</c>,
/// and allocates nothing.
/// </summary>
/// <remarks>
/// Strict where a lenient reading would let TcpLb and the router disagree about the request (RFC 9112 11.2,
/// request smuggling): obs-fold, whitespace before a colon, a bare CR, control bytes and a second Host are
/// refused, each as soon as its bytes arrive. Lenient where routers are: empty lines before the request line
/// are skipped and a bare LF ends a line (RFC 9112 2.2). Only the head is read, never a body.
/// </remarks>
internal static class RequestHeadReader
{
    /// <summary>Reads a request head from at most the first <paramref name="maxBytes"/> bytes of <paramref name="input"/>.</summary>
    public static InspectionResult Read(in ReadOnlySequence<byte> input, int maxBytes)
    {
        using var flat = ContiguousBytes.Capped(input, maxBytes);
        return Read(input, flat.Span, maxBytes);
    }

    /// <summary>
    /// Whether <paramref name="bytes"/> begin like a request: any empty lines, then a method token of at most
    /// <see cref="HttpSyntax.MaxMethodLength"/> bytes, then a space. Sets <paramref name="methodStart"/> and
    /// <paramref name="methodEnd"/> when it does.
    /// </summary>
    internal static DetectedProtocol DetectRequestLine(ReadOnlySpan<byte> bytes, out int methodStart, out int methodEnd)
    {
        methodStart = methodEnd = 0;
        int i = 0;
        while (i < bytes.Length && bytes[i] is HttpSyntax.CarriageReturn or HttpSyntax.LineFeed)
        {
            if (bytes[i] == HttpSyntax.CarriageReturn && i + 1 < bytes.Length && bytes[i + 1] != HttpSyntax.LineFeed)
            {
                return DetectedProtocol.Neither;
            }

            i++;
        }

        // One byte past the longest method is enough to tell: a long run of token bytes is not a request.
        ReadOnlySpan<byte> method = bytes[i..Math.Min(bytes.Length, i + HttpSyntax.MaxMethodLength + 1)];
        int tokenLength = method.IndexOfAnyExcept(HttpSyntax.TokenBytes);
        if (tokenLength < 0)
        {
            return method.Length > HttpSyntax.MaxMethodLength ? DetectedProtocol.Neither : DetectedProtocol.NeedMore;
        }

        if (tokenLength == 0 || tokenLength > HttpSyntax.MaxMethodLength || bytes[i + tokenLength] != HttpSyntax.Space)
        {
            return DetectedProtocol.Neither;
        }

        methodStart = i;
        methodEnd = i + tokenLength;
        return DetectedProtocol.Http;
    }

    /// <summary>As <see cref="Read(in ReadOnlySequence{byte}, int)"/>, given the input's first bytes (at most the cap) as one span.</summary>
    internal static InspectionResult Read(in ReadOnlySequence<byte> input, ReadOnlySpan<byte> bytes, int maxBytes)
    {
        switch (DetectRequestLine(bytes, out int methodStart, out int methodEnd))
        {
            case DetectedProtocol.NeedMore:
                return InspectionResult.Incomplete(input, DetectedProtocol.Http, maxBytes);
            case DetectedProtocol.Neither:
                return InspectionResult.NotThisProtocol(input, DetectedProtocol.Http);
        }

        var head = new HeadFacts { MethodStart = methodStart, MethodEnd = methodEnd };
        InspectionError error = ReadRequestLine(bytes, ref head);
        while (error == InspectionError.None && !head.Complete && !head.NeedMore)
        {
            error = ReadFieldLine(bytes, ref head);
        }

        if (error == InspectionError.HttpVersion2Preface)
        {
            return InspectionResult.NotThisProtocol(input, DetectedProtocol.Http, error);
        }

        if (error != InspectionError.None)
        {
            return InspectionResult.Invalid(input, DetectedProtocol.Http, error);
        }

        if (head.NeedMore)
        {
            return InspectionResult.Incomplete(input, DetectedProtocol.Http, maxBytes);
        }

        InspectedBytes host = head.HostLength == 0 ? default : new InspectedBytes(input.Slice(head.HostStart, head.HostLength));
        var request = new RequestHead(
            input.Slice(methodStart, methodEnd - methodStart),
            input.Slice(head.TargetStart, head.TargetEnd - head.TargetStart),
            head.MinorVersion,
            host,
            head.UpgradeWebSocket,
            head.ConnectionUpgrade,
            bytes[methodStart..methodEnd].SequenceEqual("GET"u8));
        return InspectionResult.FoundHead(input, request, head.Next);
    }

    // RFC 9112 3: method SP request-target SP HTTP-version CRLF; the method is already found.
    private static InspectionError ReadRequestLine(ReadOnlySpan<byte> bytes, ref HeadFacts head)
    {
        head.TargetStart = head.MethodEnd + 1;
        int targetLength = bytes[head.TargetStart..].IndexOfAnyExcept(HttpSyntax.TargetBytes);
        if (targetLength < 0)
        {
            head.NeedMore = true;
            return InspectionError.None;
        }

        head.TargetEnd = head.TargetStart + targetLength;
        byte stop = bytes[head.TargetEnd];
        if (stop != HttpSyntax.Space)
        {
            // A line end here is HTTP/0.9 or a missing version; anything else is a control byte in the target.
            return stop is HttpSyntax.CarriageReturn or HttpSyntax.LineFeed ? InspectionError.HttpBadRequestLine : InspectionError.HttpBadTarget;
        }

        if (targetLength == 0)
        {
            return InspectionError.HttpBadTarget;
        }

        // RFC 9112 2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive; checked as far as it has arrived.
        ReadOnlySpan<byte> version = bytes[(head.TargetEnd + 1)..];
        ReadOnlySpan<byte> shape = "HTTP/0.0"u8;
        for (int i = 0; i < Math.Min(version.Length, HttpSyntax.VersionLength); i++)
        {
            bool fits = shape[i] == (byte)'0' ? char.IsAsciiDigit((char)version[i]) : version[i] == shape[i];
            if (!fits)
            {
                return InspectionError.HttpBadVersion;
            }
        }

        int lineEnd = head.TargetEnd + 1 + HttpSyntax.VersionLength;
        InspectionError error = EndOfLine(bytes, lineEnd, InspectionError.HttpBadVersion, ref head);
        if (error != InspectionError.None || head.NeedMore)
        {
            return error;
        }

        int major = version[5] - '0';
        head.MinorVersion = version[7] - '0';
        if (major == 2 && head.MinorVersion == 0 && bytes[head.MethodStart..head.MethodEnd].SequenceEqual("PRI"u8)
            && bytes[head.TargetStart..head.TargetEnd].SequenceEqual("*"u8))
        {
            return InspectionError.HttpVersion2Preface;
        }

        if (major != 1)
        {
            return InspectionError.HttpBadVersion;
        }

        if (TryGetTargetAuthority(bytes, head, out int authorityStart, out int authorityLength))
        {
            head.AuthorityInTarget = true;
            return SetHost(bytes, authorityStart, authorityLength, ref head);
        }

        return InspectionError.None;
    }

    // RFC 9112 5: field-name ":" OWS field-value OWS, or the empty line that ends the head.
    private static InspectionError ReadFieldLine(ReadOnlySpan<byte> bytes, ref HeadFacts head)
    {
        int start = head.Next;
        if (start >= bytes.Length)
        {
            head.NeedMore = true;
            return InspectionError.None;
        }

        switch (bytes[start])
        {
            case HttpSyntax.CarriageReturn or HttpSyntax.LineFeed:
                InspectionError end = EndOfLine(bytes, start, InspectionError.HttpBareCarriageReturn, ref head);
                head.Complete = end == InspectionError.None && !head.NeedMore;
                return end;
            case HttpSyntax.Space or HttpSyntax.Tab:
                return InspectionError.HttpObsFold; // RFC 9112 5.2; before the first field, RFC 9112 2.2
        }

        int nameLength = bytes[start..].IndexOfAnyExcept(HttpSyntax.TokenBytes);
        if (nameLength < 0)
        {
            head.NeedMore = true;
            return InspectionError.None;
        }

        if (nameLength == 0 || bytes[start + nameLength] != (byte)':')
        {
            return InspectionError.HttpBadFieldName;
        }

        int valueStart = start + nameLength + 1;
        int valueLength = bytes[valueStart..].IndexOfAnyExcept(HttpSyntax.FieldValueBytes);
        if (valueLength < 0)
        {
            head.NeedMore = true;
            return InspectionError.None;
        }

        InspectionError error = EndOfLine(bytes, valueStart + valueLength, InspectionError.HttpBadFieldValue, ref head);
        if (error != InspectionError.None || head.NeedMore)
        {
            return error;
        }

        ReadOnlySpan<byte> value = bytes.Slice(valueStart, valueLength);
        int leading = value.Length - value.TrimStart(" \t"u8).Length;
        value = value.Trim(" \t"u8);
        return ReadField(bytes, bytes.Slice(start, nameLength), valueStart + leading, value, ref head);
    }

    private static InspectionError ReadField(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> name, int valueStart, ReadOnlySpan<byte> value, ref HeadFacts head)
    {
        if (Ascii.EqualsIgnoreCase(name, "host"u8))
        {
            if (head.SeenHostField)
            {
                return InspectionError.HttpDuplicateHost;
            }

            head.SeenHostField = true;

            // RFC 9112 3.2.2: with the authority in the target, the Host field is ignored (still checked for duplicates).
            return head.AuthorityInTarget ? InspectionError.None : SetHost(bytes, valueStart, value.Length, ref head);
        }

        if (Ascii.EqualsIgnoreCase(name, "upgrade"u8))
        {
            head.UpgradeWebSocket |= HttpSyntax.ListContains(value, "websocket"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
        {
            head.ConnectionUpgrade |= HttpSyntax.ListContains(value, "upgrade"u8);
        }

        return InspectionError.None;
    }

    // The authority of an absolute-form target, or the whole of an authority-form one (CONNECT, RFC 9112 3.2.3).
    private static bool TryGetTargetAuthority(ReadOnlySpan<byte> bytes, in HeadFacts head, out int start, out int length)
    {
        ReadOnlySpan<byte> target = bytes[head.TargetStart..head.TargetEnd];
        if (bytes[head.MethodStart..head.MethodEnd].SequenceEqual("CONNECT"u8))
        {
            (start, length) = (head.TargetStart, target.Length);
            return true;
        }

        bool absolute = HttpSyntax.TryFindAbsoluteAuthority(target, out start, out length);
        start += head.TargetStart;
        return absolute;
    }

    private static InspectionError SetHost(ReadOnlySpan<byte> bytes, int start, int length, ref HeadFacts head)
    {
        int hostLength = HttpSyntax.HostLength(bytes.Slice(start, length));
        if (hostLength < 0)
        {
            return InspectionError.HttpBadHost;
        }

        (head.HostStart, head.HostLength) = (start, hostLength);
        return InspectionError.None;
    }

    // A line ends at CRLF or a bare LF (RFC 9112 2.2); a CR before anything else is refused. Sets where the next line starts.
    private static InspectionError EndOfLine(ReadOnlySpan<byte> bytes, int at, InspectionError otherwise, ref HeadFacts head)
    {
        if (at >= bytes.Length)
        {
            head.NeedMore = true;
            return InspectionError.None;
        }

        if (bytes[at] == HttpSyntax.LineFeed)
        {
            head.Next = at + 1;
            return InspectionError.None;
        }

        if (bytes[at] != HttpSyntax.CarriageReturn)
        {
            return otherwise;
        }

        if (at + 1 >= bytes.Length)
        {
            head.NeedMore = true;
            return InspectionError.None;
        }

        if (bytes[at + 1] != HttpSyntax.LineFeed)
        {
            return InspectionError.HttpBareCarriageReturn;
        }

        head.Next = at + 2;
        return InspectionError.None;
    }

    /// <summary>Where the head's parts lie in the input, and what its fields said so far.</summary>
    private struct HeadFacts
    {
        public int MethodStart;
        public int MethodEnd;
        public int TargetStart;
        public int TargetEnd;
        public int MinorVersion;
        public int HostStart;
        public int HostLength;
        public int Next;
        public bool AuthorityInTarget;
        public bool SeenHostField;
        public bool UpgradeWebSocket;
        public bool ConnectionUpgrade;
        public bool NeedMore;
        public bool Complete;
    }
}
