namespace TcpLb.Inspection;

/// <summary>What a host name may hold, for the names routes compare (SNI, Host): ASCII only, so a byte compare is a name compare.</summary>
internal static class HostNameSyntax
{
    /// <summary>
    /// Labels of letters, digits, <c>-</c> and <c>_</c> (seen in real names though not LDH), separated by single
    /// dots, no dot first or last. IDNs arrive as A-labels (<c>xn--</c>); a literal IP address passes too.
    /// </summary>
    public static bool IsDnsName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name[0] == (byte)'.' || name[^1] == (byte)'.' || name.IndexOf(".."u8) >= 0)
        {
            return false;
        }

        foreach (byte b in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.'))
            {
                return false;
            }
        }

        return true;
    }
}
