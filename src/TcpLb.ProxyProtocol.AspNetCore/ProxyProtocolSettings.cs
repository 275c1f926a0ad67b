using System.Net;

namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>
/// <see cref="ProxyProtocolOptions"/> checked and frozen when the endpoint is configured, so a later change to
/// the options object cannot race a connection, and a bad value fails at start-up, naming the option.
/// </summary>
internal sealed class ProxyProtocolSettings
{
    private readonly IPNetwork[] _trustedNetworks;

    private ProxyProtocolSettings(ProxyProtocolOptions options)
    {
        _trustedNetworks = [.. options.TrustedNetworks];
        Mode = options.Mode;
        HeaderTimeout = options.HeaderTimeout;
        Parser = new ProxyHeaderParserOptions
        {
            AcceptedVersions = options.Versions,
            VerifyChecksum = options.VerifyCrc32c,
            MaxV2Length = options.MaxHeaderLength,
        };
    }

    /// <summary>The longest timeout a timer takes (about 49.7 days).</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public ProxyProtocolMode Mode { get; }

    public TimeSpan HeaderTimeout { get; }

    public ProxyHeaderParserOptions Parser { get; }

    public bool TrustsNobody => _trustedNetworks.Length == 0;

    /// <summary>Checks every option and reports every problem in one exception.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names each.</exception>
    public static ProxyProtocolSettings From(ProxyProtocolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!Enum.IsDefined(options.Mode))
        {
            problems.Add($"Mode '{options.Mode}' is neither Required nor Optional");
        }

        if (options.Versions is not (ProxyVersions.V1 or ProxyVersions.V2 or ProxyVersions.Both))
        {
            problems.Add($"Versions '{options.Versions}' is not V1, V2 or Both");
        }

        if (options.HeaderTimeout <= TimeSpan.Zero || options.HeaderTimeout > MaxTimeout)
        {
            problems.Add($"HeaderTimeout '{options.HeaderTimeout}' must be positive and finite (rule 21: a silent peer must not hold a connection forever)");
        }

        if (options.MaxHeaderLength is < 0 or > ushort.MaxValue)
        {
            problems.Add($"MaxHeaderLength '{options.MaxHeaderLength}' is not 0..65535 (the v2 length field is 16 bits)");
        }

        return problems.Count == 0
            ? new ProxyProtocolSettings(options)
            : throw new ArgumentException("Invalid ProxyProtocolOptions: " + string.Join("; ", problems), nameof(options));
    }

    /// <summary>True when <paramref name="remote"/> is in a trusted network (rule 20); anything but an IP peer is not.</summary>
    public bool Trusts(EndPoint? remote)
    {
        if (_trustedNetworks.Length == 0 || remote is not IPEndPoint { Address: { } address })
        {
            return false;
        }

        if (IsInTrustedNetwork(address))
        {
            return true;
        }

        // A dual-mode listener ([::]) reports IPv4 peers as ::ffff:a.b.c.d, which an IPv4 network does not contain.
        return address.IsIPv4MappedToIPv6 && IsInTrustedNetwork(address.MapToIPv4());
    }

    private bool IsInTrustedNetwork(IPAddress address)
    {
        foreach (IPNetwork network in _trustedNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
