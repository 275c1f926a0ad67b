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

    /// <summary>
    /// True when <paramref name="remote"/> is in a trusted network (rule 20); anything but an IP peer is not. An IPv4
    /// peer of a dual-mode listener ([::]) arrives as ::ffff:a.b.c.d, which <see cref="IPNetwork.Contains"/> matches
    /// against IPv4 networks as the IPv4 address it maps.
    /// </summary>
    public bool Trusts(EndPoint? remote)
    {
        if (remote is not IPEndPoint { Address: { } address })
        {
            return false;
        }

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
