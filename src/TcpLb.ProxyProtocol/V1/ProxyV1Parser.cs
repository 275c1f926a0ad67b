using System.Buffers;

namespace TcpLb.ProxyProtocol.V1;

/// <summary>Parses a v1 line whose <c>PROXY </c> prefix has been recognised (rule 18).</summary>
internal static class ProxyV1Parser
{
    public static ProxyParseResult Parse(in ReadOnlySequence<byte> input, ProxyHeaderParserOptions options)
    {
        if ((options.AcceptedVersions & ProxyVersions.V1) == 0)
        {
            return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V1NotAccepted);
        }

        // Rule 5: look for the line end within 107 bytes only; the line is small, so copy it to the stack.
        Span<byte> buffer = stackalloc byte[ProxyV1Constants.MaxLength];
        int available = (int)Math.Min(input.Length, ProxyV1Constants.MaxLength);
        Span<byte> line = buffer[..available];
        input.Slice(0, available).CopyTo(line);

        int lineFeed = line.IndexOf((byte)'\n');
        if (lineFeed < 0)
        {
            if (available == ProxyV1Constants.MaxLength)
            {
                return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V1LineTooLong);
            }

            // Rule 19 lets us wait while this could still become a header; a wrong family word cannot.
            return CouldBeFamily(line[ProxyV1Constants.Prefix.Length..])
                ? ProxyHeaderParser.Incomplete(input)
                : ProxyHeaderParser.Invalid(input, ProxyHeaderError.V1BadFamily);
        }

        if (line[lineFeed - 1] != '\r')
        {
            return ProxyHeaderParser.Invalid(input, ProxyHeaderError.V1BadLineEnding);
        }

        ReadOnlySpan<byte> body = line[ProxyV1Constants.Prefix.Length..(lineFeed - 1)];
        int headerLength = lineFeed + 1;
        ProxyHeaderError error = ParseBody(body, headerLength, out ProxyHeader header);
        return error == ProxyHeaderError.None
            ? ProxyHeaderParser.Complete(input, header)
            : ProxyHeaderParser.Invalid(input, error);
    }

    private static ProxyHeaderError ParseBody(ReadOnlySpan<byte> body, int headerLength, out ProxyHeader header)
    {
        header = default;
        int space = body.IndexOf((byte)' ');
        ReadOnlySpan<byte> family = space < 0 ? body : body[..space];

        // Rule 4: UNKNOWN may be followed by anything; the receiver uses the real endpoints.
        if (family.SequenceEqual(ProxyV1Constants.Unknown))
        {
            header = new ProxyHeader(ProxyVersion.V1, ProxyCommand.Proxy, ProxyAddressFamily.Unspecified, ProxyTransport.Unspecified, default, 0, default, 0, default, headerLength);
            return ProxyHeaderError.None;
        }

        ProxyAddressFamily addressFamily;
        if (family.SequenceEqual(ProxyV1Constants.Tcp4))
        {
            addressFamily = ProxyAddressFamily.InterNetwork;
        }
        else if (family.SequenceEqual(ProxyV1Constants.Tcp6))
        {
            addressFamily = ProxyAddressFamily.InterNetworkV6;
        }
        else
        {
            return ProxyHeaderError.V1BadFamily;
        }

        // Rule 1: exactly four fields, exactly one space before each.
        ReadOnlySpan<byte> rest = space < 0 ? default : body[(space + 1)..];
        if (space < 0
            || !TakeField(ref rest, out ReadOnlySpan<byte> sourceText)
            || !TakeField(ref rest, out ReadOnlySpan<byte> destinationText)
            || !TakeField(ref rest, out ReadOnlySpan<byte> sourcePortText)
            || !TakeLastField(rest, out ReadOnlySpan<byte> destinationPortText))
        {
            return ProxyHeaderError.V1BadFields;
        }

        if (!TryParseAddress(sourceText, addressFamily, out ProxyAddress source))
        {
            return ProxyHeaderError.V1BadSourceAddress;
        }

        if (!TryParseAddress(destinationText, addressFamily, out ProxyAddress destination))
        {
            return ProxyHeaderError.V1BadDestinationAddress;
        }

        if (!TryParsePort(sourcePortText, out ushort sourcePort))
        {
            return ProxyHeaderError.V1BadSourcePort;
        }

        if (!TryParsePort(destinationPortText, out ushort destinationPort))
        {
            return ProxyHeaderError.V1BadDestinationPort;
        }

        header = new ProxyHeader(ProxyVersion.V1, ProxyCommand.Proxy, addressFamily, ProxyTransport.Stream, source, sourcePort, destination, destinationPort, default, headerLength);
        return ProxyHeaderError.None;
    }

    private static bool TakeField(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field)
    {
        int space = rest.IndexOf((byte)' ');
        field = space < 0 ? default : rest[..space];
        rest = space < 0 ? default : rest[(space + 1)..];
        return space > 0;
    }

    private static bool TakeLastField(ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field)
    {
        field = rest;
        return !rest.IsEmpty && !rest.Contains((byte)' ');
    }

    private static bool TryParseAddress(ReadOnlySpan<byte> text, ProxyAddressFamily family, out ProxyAddress address) =>
        family == ProxyAddressFamily.InterNetwork
            ? ProxyAddress.TryParseIPv4(text, out address)
            : ProxyAddress.TryParseIPv6(text, out address);

    // Rule 3: decimal digits only (no sign, no spaces), value 0..65535.
    private static bool TryParsePort(ReadOnlySpan<byte> text, out ushort port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > ProxyV1Constants.MaxPortDigits)
        {
            return false;
        }

        int value = 0;
        foreach (byte c in text)
        {
            if (c - (uint)'0' > 9)
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        if (value > ushort.MaxValue)
        {
            return false;
        }

        port = (ushort)value;
        return true;
    }

    // While the line is incomplete: is the text after "PROXY " still a prefix of "TCP4 ", "TCP6 " or "UNKNOWN"?
    private static bool CouldBeFamily(ReadOnlySpan<byte> partial) =>
        IsPrefixOrExtends(partial, ProxyV1Constants.Tcp4)
        || IsPrefixOrExtends(partial, ProxyV1Constants.Tcp6)
        || IsPrefixOrExtends(partial, ProxyV1Constants.Unknown);

    private static bool IsPrefixOrExtends(ReadOnlySpan<byte> partial, ReadOnlySpan<byte> word)
    {
        if (partial.Length <= word.Length)
        {
            return word.StartsWith(partial);
        }

        // Past the word, the next byte must end it: a space, or (UNKNOWN only) the CR of CRLF.
        byte next = partial[word.Length];
        return partial.StartsWith(word) && (next == ' ' || (next == '\r' && word.SequenceEqual(ProxyV1Constants.Unknown)));
    }
}
