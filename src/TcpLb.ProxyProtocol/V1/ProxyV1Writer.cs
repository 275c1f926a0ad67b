namespace TcpLb.ProxyProtocol.V1;

/// <summary>Writes the v1 text line.</summary>
internal static class ProxyV1Writer
{
    public static int GetLength(in ProxyHeader header)
    {
        Span<byte> scratch = stackalloc byte[ProxyV1Constants.MaxLength];
        return Write(scratch, header);
    }

    /// <summary>
    /// <c>PROXY TCP4|TCP6 src dst sport dport\r\n</c>, or <c>PROXY UNKNOWN\r\n</c> for a header that does not
    /// describe a TCP client (LOCAL, UNSPEC: rules 4, 25). TLVs have no place in v1 and are not written.
    /// </summary>
    public static int Write(Span<byte> destination, in ProxyHeader header)
    {
        Span<byte> line = stackalloc byte[ProxyV1Constants.MaxLength];
        int n = 0;
        Append(line, ref n, ProxyV1Constants.Prefix);
        if (!header.DescribesTcpConnection)
        {
            Append(line, ref n, ProxyV1Constants.Unknown);
        }
        else
        {
            Append(line, ref n, header.Family == ProxyAddressFamily.InterNetwork ? ProxyV1Constants.Tcp4 : ProxyV1Constants.Tcp6);
            line[n++] = (byte)' ';
            _ = header.SourceAddress.TryFormat(line[n..], out int written, default, null);
            n += written;
            line[n++] = (byte)' ';
            _ = header.DestinationAddress.TryFormat(line[n..], out written, default, null);
            n += written;
            line[n++] = (byte)' ';
            n += ProxyAddress.FormatDecimal(line[n..], header.SourcePort);
            line[n++] = (byte)' ';
            n += ProxyAddress.FormatDecimal(line[n..], header.DestinationPort);
        }

        Append(line, ref n, ProxyV1Constants.Crlf);
        if (destination.Length < n)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the v1 header needs {n}.", nameof(destination));
        }

        line[..n].CopyTo(destination);
        return n;
    }

    private static void Append(Span<byte> line, ref int n, ReadOnlySpan<byte> text)
    {
        text.CopyTo(line[n..]);
        n += text.Length;
    }
}
