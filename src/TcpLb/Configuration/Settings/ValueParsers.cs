using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace TcpLb.Configuration.Settings;

/// <summary>
/// Parses the values settings take, in the file and on the command line alike: endpoints, durations, networks. Each
/// failure is a sentence naming what was wrong; each value has a format that the parser reads back.
/// </summary>
internal static class ValueParsers
{
    /// <summary><c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, <c>[::]:8080</c> or <c>*:8080</c> (all addresses, dual-stack).</summary>
    public static bool TryParseListenEndPoint(string text, [NotNullWhen(true)] out IPEndPoint? endPoint, out string error)
    {
        endPoint = null;
        if (text.StartsWith("*:", StringComparison.Ordinal))
        {
            text = "[::]" + text[1..];
        }

        if (!TrySplitHostPort(text, out string host, out int port, out error))
        {
            return false;
        }

        if (!IPAddress.TryParse(host, out IPAddress? address))
        {
            error = $"'{host}' is not an IP address (use *:port for all addresses)";
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>An IP address or a DNS name, with a port: <c>10.0.0.5:80</c>, <c>[fd00::5]:80</c>, <c>router.local:80</c>.</summary>
    public static bool TryParseBackendEndPoint(string text, [NotNullWhen(true)] out EndPoint? endPoint, out string error)
    {
        endPoint = null;
        if (!TrySplitHostPort(text, out string host, out int port, out error))
        {
            return false;
        }

        if (port == 0)
        {
            error = "port 0 is not a backend port";
            return false;
        }

        if (IPv4LookalikeHost.IsMistyped(host, out error))
        {
            return false;
        }

        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            endPoint = new IPEndPoint(address, port);
            return true;
        }

        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            error = $"'{host}' is neither an IP address nor a host name";
            return false;
        }

        endPoint = new DnsEndPoint(host, port);
        return true;
    }

    /// <summary>An endpoint as <see cref="TryParseBackendEndPoint"/> reads it: <c>10.0.0.5:80</c>, <c>[fd00::5]:80</c>, <c>router.local:80</c>.</summary>
    public static string FormatEndPoint(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint name => string.Create(CultureInfo.InvariantCulture, $"{name.Host}:{name.Port}"),
        _ => endPoint.ToString() ?? string.Empty,
    };

    /// <summary>A duration with its unit, as HAProxy writes them: <c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration, out string error)
    {
        duration = default;
        error = string.Empty;
        int unitStart = text.Length;
        while (unitStart > 0 && char.IsAsciiLetter(text[unitStart - 1]))
        {
            unitStart--;
        }

        string unit = text[unitStart..];
        if (!double.TryParse(text[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
        {
            error = $"'{text}' is not a duration such as 250ms, 5s, 2m, 1h";
            return false;
        }

        double? milliseconds = unit switch
        {
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            "h" => value * 3_600_000,
            "d" => value * 86_400_000,
            "" => null,
            _ => null,
        };
        if (milliseconds is not { } ms)
        {
            error = unit.Length == 0 ? $"'{text}' needs a unit: ms, s, m, h or d" : $"'{unit}' is not a unit; use ms, s, m, h or d";
            return false;
        }

        if (ms <= 0 || ms > TimeSpan.FromDays(365).TotalMilliseconds)
        {
            error = $"'{text}' must be more than 0 and at most 365d";
            return false;
        }

        duration = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    /// <summary>A duration as <see cref="TryParseDuration"/>, or zero (<c>0s</c>, <c>0</c>) for settings where zero means "none".</summary>
    public static bool TryParseDurationOrZero(string text, out TimeSpan duration, out string error)
    {
        string number = text.TrimEnd("mshd".ToCharArray());
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) && value == 0)
        {
            duration = TimeSpan.Zero;
            error = string.Empty;
            return true;
        }

        return TryParseDuration(text, out duration, out error);
    }

    /// <summary>A duration as <see cref="TryParseDuration"/> reads it, in its largest whole unit: <c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>; zero is <c>0s</c>.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        (double Milliseconds, string Unit)[] units = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s")];
        double total = duration.TotalMilliseconds;
        foreach ((double milliseconds, string unit) in units)
        {
            if (total >= milliseconds && total % milliseconds == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{total / milliseconds}{unit}");
            }
        }

        return total == 0 ? "0s" : string.Create(CultureInfo.InvariantCulture, $"{total}ms");
    }

    /// <summary>A network in CIDR form (<c>10.0.0.0/8</c>); a bare address means that one host.</summary>
    public static bool TryParseNetwork(string text, out IPNetwork network, out string error)
    {
        error = string.Empty;
        if (IPNetwork.TryParse(text, out network))
        {
            // A network written with host bits set (10.0.0.1/8) is most likely a typo: say which one was meant.
            string written = text[..text.IndexOf('/', StringComparison.Ordinal)];
            if (IPAddress.TryParse(written, out IPAddress? address) && !address.Equals(network.BaseAddress))
            {
                error = $"'{text}' has host bits set; did you mean {network}?";
                return false;
            }

            return true;
        }

        if (IPAddress.TryParse(text, out IPAddress? host))
        {
            network = new IPNetwork(host, host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        error = $"'{text}' is not a network such as 10.0.0.0/8 or 2001:db8::/32 (host bits must be zero)";
        return false;
    }

    private static bool TrySplitHostPort(string text, out string host, out int port, out string error)
    {
        host = string.Empty;
        port = 0;
        error = string.Empty;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || (text.Contains(':', StringComparison.Ordinal) && text.IndexOf(':', StringComparison.Ordinal) != colon && !text.StartsWith('[')))
        {
            error = $"'{text}' is not host:port (write IPv6 as [addr]:port)";
            return false;
        }

        host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            error = $"'{text[(colon + 1)..]}' is not a port 0..65535";
            return false;
        }

        return true;
    }
}
