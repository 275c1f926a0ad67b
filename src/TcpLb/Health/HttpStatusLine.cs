namespace TcpLb.Health;

/// <summary>Reads the status code from an HTTP/1.x status line (RFC 9112 §4: <c>HTTP-version SP status-code SP [reason]</c>).</summary>
internal static class HttpStatusLine
{
    /// <summary>
    /// True when <paramref name="line"/> (without its LF; a trailing CR is ignored) is <c>HTTP/d.d ddd</c>, optionally
    /// followed by a space and a reason. Lenient on the reason, strict on the rest: anything else is not HTTP.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out int status)
    {
        status = 0;
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        // "HTTP/1.1 200" is 12 bytes: version (8), space, three digits.
        if (line.Length < 12
            || !line.StartsWith("HTTP/"u8)
            || !char.IsAsciiDigit((char)line[5]) || line[6] != (byte)'.' || !char.IsAsciiDigit((char)line[7])
            || line[8] != (byte)' '
            || !char.IsAsciiDigit((char)line[9]) || !char.IsAsciiDigit((char)line[10]) || !char.IsAsciiDigit((char)line[11])
            || (line.Length > 12 && line[12] != (byte)' '))
        {
            return false;
        }

        status = ((line[9] - '0') * 100) + ((line[10] - '0') * 10) + (line[11] - '0');
        return true;
    }
}
