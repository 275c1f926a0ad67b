namespace TcpLb.Configuration;

/// <summary>
/// A host written as dotted digits is meant as an IPv4 address, never a DNS name (no top-level domain is all
/// digits, RFC 3696 section 2). One that is not four decimal numbers 0..255 (<c>10.0.0.300</c>, <c>10.0.0</c>,
/// <c>1.2.3.4.5</c>, <c>010.0.0.1</c>) is a typo: refused here, instead of being resolved as a name at connect time
/// (and failing then) or read the way <c>inet_aton</c> reads it (<c>10.0.0</c> as 10.0.0.0, <c>010</c> as octal 8).
/// </summary>
internal static class IPv4LookalikeHost
{
    /// <summary>True (with a sentence naming the host) when <paramref name="host"/> is dotted digits but no dotted quad.</summary>
    public static bool IsMistyped(string host, out string error)
    {
        error = string.Empty;
        if (!host.Contains('.', StringComparison.Ordinal) || !host.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return false; // a name, an IPv6 address, or something the address parsers judge
        }

        string[] numbers = host.Split('.');
        if (numbers.Length == 4 && numbers.All(IsOctet))
        {
            return false;
        }

        error = $"'{host}' looks like an IPv4 address but is not one: write four numbers 0..255 without leading zeros, a.b.c.d";
        return true;
    }

    private static bool IsOctet(string number) =>
        number.Length is >= 1 and <= 3 && (number.Length == 1 || number[0] != '0') && int.Parse(number, System.Globalization.CultureInfo.InvariantCulture) <= 255;
}
