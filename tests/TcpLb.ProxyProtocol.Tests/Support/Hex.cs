namespace TcpLb.ProxyProtocol.Tests.Support;

/// <summary>Byte vectors written by hand as annotated hex: one field per line, "#" starts a comment.</summary>
internal static class Hex
{
    public static byte[] Parse(string annotated)
    {
        var digits = new System.Text.StringBuilder();
        foreach (string line in annotated.Split('\n'))
        {
            int comment = line.IndexOf('#', StringComparison.Ordinal);
            string data = comment >= 0 ? line[..comment] : line;
            foreach (char c in data)
            {
                if (Uri.IsHexDigit(c))
                {
                    digits.Append(c);
                }
                else if (!char.IsWhiteSpace(c))
                {
                    throw new FormatException($"'{c}' is not a hex digit in: {line}");
                }
            }
        }

        return Convert.FromHexString(digits.ToString());
    }

    public static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);
}
