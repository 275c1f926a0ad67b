namespace TcpLb.ProxyProtocol.V1;

/// <summary>The words and limits of the v1 text line (rules 1-5).</summary>
internal static class ProxyV1Constants
{
    /// <summary><c>PROXY</c> and its one space: how every v1 line starts (rule 18).</summary>
    public static ReadOnlySpan<byte> Prefix => "PROXY "u8;

    public static ReadOnlySpan<byte> Tcp4 => "TCP4"u8;

    public static ReadOnlySpan<byte> Tcp6 => "TCP6"u8;

    public static ReadOnlySpan<byte> Unknown => "UNKNOWN"u8;

    public static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>Rule 5: the longest legal line, CRLF included.</summary>
    public const int MaxLength = 107;

    /// <summary>Rule 3: a port is at most 5 decimal digits.</summary>
    public const int MaxPortDigits = 5;
}
