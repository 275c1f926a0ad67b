using System.Buffers.Binary;

namespace TcpLb.ProxyProtocol;

// The text forms used by v1 headers, parsed and formatted by hand: IPAddress.TryParse allocates and
// is lenient (it takes "1", "0x7f.1" and scope ids), while a header must hold exactly the usual form (rule 2).
public readonly partial struct ProxyAddress
{
    /// <summary>The longest text form: <c>ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255</c>.</summary>
    public const int MaxTextLength = 45;

    /// <summary>
    /// Parses a dotted quad: four decimal octets 0..255 of 1 to 3 digits. Leading zeros are refused
    /// ("010" would read as octal to some parsers), as glibc's <c>inet_pton</c> does.
    /// </summary>
    public static bool TryParseIPv4(ReadOnlySpan<byte> utf8, out ProxyAddress address)
    {
        address = default;
        if (!TryParseDottedQuad(utf8, out uint value))
        {
            return false;
        }

        address = FromIPv4(value);
        return true;
    }

    /// <summary>
    /// Parses an IPv6 address in RFC 4291 text form: eight groups of 1-4 hex digits, one <c>::</c> for one
    /// or more zero groups, and an optional dotted quad for the last 32 bits. No brackets, no scope id.
    /// </summary>
    public static bool TryParseIPv6(ReadOnlySpan<byte> utf8, out ProxyAddress address)
    {
        address = default;
        Span<ushort> groups = stackalloc ushort[8];
        int count = 0;
        int compressAt = -1;
        int i = 0;

        if (utf8.Length >= 2 && utf8[0] == ':' && utf8[1] == ':')
        {
            compressAt = 0;
            i = 2;
        }
        else if (utf8.IsEmpty || utf8[0] == ':')
        {
            return false;
        }

        while (i < utf8.Length)
        {
            int start = i;
            int value = 0;
            while (i < utf8.Length && i - start < 5 && TryHexDigit(utf8[i], out int digit))
            {
                value = (value << 4) | digit;
                i++;
            }

            if (i < utf8.Length && utf8[i] == '.')
            {
                // An embedded dotted quad ends the address and fills the last two groups.
                if (count > 6 || !TryParseDottedQuad(utf8[start..], out uint v4))
                {
                    return false;
                }

                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = (ushort)v4;
                i = utf8.Length;
                break;
            }

            int digits = i - start;
            if (digits is 0 or > 4 || count == 8)
            {
                return false;
            }

            groups[count++] = (ushort)value;
            if (i == utf8.Length)
            {
                break;
            }

            if (utf8[i] != ':')
            {
                return false;
            }

            i++;
            if (i < utf8.Length && utf8[i] == ':')
            {
                if (compressAt >= 0)
                {
                    return false;
                }

                compressAt = count;
                i++;
            }
            else if (i == utf8.Length)
            {
                return false; // a lone trailing colon
            }
        }

        if (compressAt < 0 ? count != 8 : count > 7)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        int tail = count - Math.Max(compressAt, 0);
        for (int g = 0; g < count; g++)
        {
            int slot = compressAt >= 0 && g >= compressAt ? 8 - tail + (g - compressAt) : g;
            BinaryPrimitives.WriteUInt16BigEndian(bytes[(slot * 2)..], groups[g]);
        }

        address = FromBytes(bytes);
        return true;
    }

    /// <summary>
    /// Writes the text form in UTF-8: a dotted quad, or RFC 5952 IPv6 (lower case, the longest run of
    /// two or more zero groups as <c>::</c>, IPv4-mapped as <c>::ffff:a.b.c.d</c>).
    /// </summary>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        Span<byte> text = stackalloc byte[MaxTextLength];
        int length = Family switch
        {
            ProxyAddressFamily.InterNetwork => FormatDottedQuad(text, (uint)(_high >> 32)),
            ProxyAddressFamily.InterNetworkV6 => FormatIPv6(text),
            _ => 0,
        };

        if (length > utf8Destination.Length)
        {
            bytesWritten = 0;
            return false;
        }

        text[..length].CopyTo(utf8Destination);
        bytesWritten = length;
        return true;
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        Span<byte> utf8 = stackalloc byte[MaxTextLength];
        charsWritten = 0;
        if (!TryFormat(utf8, out int length, default, null) || length > destination.Length)
        {
            return false;
        }

        for (int i = 0; i < length; i++)
        {
            destination[i] = (char)utf8[i];
        }

        charsWritten = length;
        return true;
    }

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>The text form, or an empty string for <see cref="None"/>.</summary>
    public override string ToString()
    {
        Span<char> text = stackalloc char[MaxTextLength];
        _ = TryFormat(text, out int length, default, null);
        return new string(text[..length]);
    }

    private static bool TryParseDottedQuad(ReadOnlySpan<byte> utf8, out uint value)
    {
        value = 0;
        int octets = 0;
        int i = 0;
        while (octets < 4)
        {
            int start = i;
            int octet = 0;
            while (i < utf8.Length && i - start < 4 && utf8[i] - (uint)'0' <= 9)
            {
                octet = (octet * 10) + (utf8[i] - '0');
                i++;
            }

            int digits = i - start;
            if (digits is 0 or > 3 || octet > 255 || (digits > 1 && utf8[start] == '0'))
            {
                return false;
            }

            value = (value << 8) | (uint)octet;
            octets++;
            if (octets < 4)
            {
                if (i >= utf8.Length || utf8[i] != '.')
                {
                    return false;
                }

                i++;
            }
        }

        return i == utf8.Length;
    }

    private static bool TryHexDigit(byte c, out int digit)
    {
        digit = c switch
        {
            >= (byte)'0' and <= (byte)'9' => c - '0',
            >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
            _ => -1,
        };
        return digit >= 0;
    }

    private static int FormatDottedQuad(Span<byte> destination, uint value)
    {
        int n = 0;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            if (shift != 24)
            {
                destination[n++] = (byte)'.';
            }

            n += FormatDecimal(destination[n..], (value >> shift) & 0xFF);
        }

        return n;
    }

    private int FormatIPv6(Span<byte> destination)
    {
        if (IsIPv4MappedToIPv6)
        {
            "::ffff:"u8.CopyTo(destination);
            return 7 + FormatDottedQuad(destination[7..], (uint)_low);
        }

        Span<ushort> groups = stackalloc ushort[8];
        for (int g = 0; g < 8; g++)
        {
            ulong half = g < 4 ? _high : _low;
            groups[g] = (ushort)(half >> (48 - (16 * (g % 4))));
        }

        // RFC 5952 4.2: compress the longest run of zero groups (the first on a tie), never a single group.
        int bestStart = -1, bestLength = 1;
        for (int g = 0; g < 8;)
        {
            int run = 0;
            while (g + run < 8 && groups[g + run] == 0)
            {
                run++;
            }

            if (run > bestLength)
            {
                bestStart = g;
                bestLength = run;
            }

            g += Math.Max(run, 1);
        }

        int n = 0;
        for (int g = 0; g < 8; g++)
        {
            if (g == bestStart)
            {
                destination[n++] = (byte)':';
                destination[n++] = (byte)':';
                g += bestLength - 1;
                continue;
            }

            if (n > 0 && destination[n - 1] != ':')
            {
                destination[n++] = (byte)':';
            }

            n += FormatHex(destination[n..], groups[g]);
        }

        return n;
    }

    internal static int FormatDecimal(Span<byte> destination, uint value)
    {
        int digits = value switch { < 10 => 1, < 100 => 2, < 1000 => 3, < 10000 => 4, _ => 5 };
        for (int i = digits - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        return digits;
    }

    private static int FormatHex(Span<byte> destination, ushort value)
    {
        int digits = value switch { < 0x10 => 1, < 0x100 => 2, < 0x1000 => 3, _ => 4 };
        for (int i = digits - 1; i >= 0; i--)
        {
            destination[i] = (byte)"0123456789abcdef"[value & 0xF];
            value >>= 4;
        }

        return digits;
    }
}
