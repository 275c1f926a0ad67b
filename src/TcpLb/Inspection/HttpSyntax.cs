using System.Buffers;
using System.Text;

namespace TcpLb.Inspection;

/// <summary>The byte classes and small grammars of HTTP/1.1 the request-head reader needs (RFC 9110, RFC 9112, RFC 3986).</summary>
internal static class HttpSyntax
{
    public const byte CarriageReturn = (byte)'\r';
    public const byte LineFeed = (byte)'\n';
    public const byte Space = (byte)' ';
    public const byte Tab = (byte)'\t';

    /// <summary>The longest method token taken as the start of a request. The longest registered method (UPDATEREDIRECTREF) has 17 letters.</summary>
    public const int MaxMethodLength = 32;

    /// <summary><c>HTTP/d.d</c>.</summary>
    public const int VersionLength = 8;

    /// <summary>RFC 9110 5.6.2: tchar.</summary>
    public static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>RFC 9110 5.5: field-vchar (VCHAR, obs-text), SP and HTAB: what a field value may hold.</summary>
    public static readonly SearchValues<byte> FieldValueBytes = SearchValues.Create(FieldValueTable());

    /// <summary>
    /// RFC 9112 3.2: what a request-target may hold. The URI grammar is narrower; routers accept raw UTF-8
    /// (obs-text) in paths, so only controls, DEL and space (which ends the target) are refused.
    /// </summary>
    public static readonly SearchValues<byte> TargetBytes = SearchValues.Create(TargetTable());

    /// <summary>RFC 3986 3.2.2: reg-name = unreserved / pct-encoded / sub-delims.</summary>
    public static readonly SearchValues<byte> RegNameBytes =
        SearchValues.Create("-._~%!$&'()*+,;=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>RFC 3986 3.2.2: inside the brackets of an IP-literal (IPv6, a zone id, IPvFuture).</summary>
    public static readonly SearchValues<byte> IpLiteralBytes =
        SearchValues.Create(":.-_~%!$&'()*+,;=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>RFC 3986 3.1: the characters after a scheme's first letter.</summary>
    public static readonly SearchValues<byte> SchemeBytes =
        SearchValues.Create("+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>
    /// Splits <c>uri-host [":" port]</c> (RFC 9112 3.2, RFC 3986 3.2.2): the host's length, or -1 when the value
    /// is not one. A trailing dot after a name is dropped (the same name for a router); 0 for an empty value.
    /// </summary>
    public static int HostLength(ReadOnlySpan<byte> authority)
    {
        if (authority.IsEmpty)
        {
            return 0;
        }

        int hostEnd;
        if (authority[0] == (byte)'[')
        {
            int close = authority.IndexOf((byte)']');
            if (close < 2 || authority[1..close].ContainsAnyExcept(IpLiteralBytes))
            {
                return -1;
            }

            hostEnd = close + 1;
        }
        else
        {
            hostEnd = authority.IndexOfAnyExcept(RegNameBytes);
            hostEnd = hostEnd < 0 ? authority.Length : hostEnd;
            if (hostEnd == 0)
            {
                return -1;
            }
        }

        ReadOnlySpan<byte> rest = authority[hostEnd..];
        if (!rest.IsEmpty && (rest[0] != (byte)':' || rest[1..].ContainsAnyExceptInRange((byte)'0', (byte)'9')))
        {
            return -1;
        }

        bool trailingDot = authority[0] != (byte)'[' && hostEnd > 1 && authority[hostEnd - 1] == (byte)'.';
        return trailingDot ? hostEnd - 1 : hostEnd;
    }

    /// <summary>
    /// Where the authority of an absolute-form target lies (RFC 9112 3.2.2: <c>scheme://authority/...</c>,
    /// userinfo dropped), or false for any other form.
    /// </summary>
    public static bool TryFindAbsoluteAuthority(ReadOnlySpan<byte> target, out int start, out int length)
    {
        start = length = 0;
        int colon = target.IndexOf((byte)':');
        if (colon < 1 || !char.IsAsciiLetter((char)target[0]) || target[1..colon].ContainsAnyExcept(SchemeBytes)
            || !target[(colon + 1)..].StartsWith("//"u8))
        {
            return false;
        }

        start = colon + 3;
        ReadOnlySpan<byte> authority = target[start..];
        int end = authority.IndexOfAny("/?#"u8);
        authority = end < 0 ? authority : authority[..end];
        int at = authority.LastIndexOf((byte)'@');
        start += at + 1;
        length = authority.Length - (at + 1);
        return true;
    }

    /// <summary>True when the comma-separated list (RFC 9110 5.6.1) holds <paramref name="token"/>, compared case-insensitively.</summary>
    public static bool ListContains(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        foreach (Range element in list.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(list[element].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] FieldValueTable()
    {
        var bytes = new List<byte> { Tab };
        for (int b = 0x20; b <= 0xFF; b++)
        {
            if (b != 0x7F)
            {
                bytes.Add((byte)b);
            }
        }

        return [.. bytes];
    }

    private static byte[] TargetTable()
    {
        var bytes = new List<byte>();
        for (int b = 0x21; b <= 0xFF; b++)
        {
            if (b != 0x7F)
            {
                bytes.Add((byte)b);
            }
        }

        return [.. bytes];
    }
}
