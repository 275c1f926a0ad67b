namespace TcpLb.ProxyProtocol;

/// <summary>What a receiver accepts. The defaults match a typical router: both versions, CRC checked, 4 KiB cap.</summary>
public sealed record ProxyHeaderParserOptions
{
    /// <summary>The cap on v2 <c>len</c> most receivers use (rule 21).</summary>
    public const int DefaultMaxV2Length = 4096;

    /// <summary>The defaults, shared.</summary>
    public static ProxyHeaderParserOptions Default { get; } = new();

    /// <summary>Which versions are accepted; the other version is refused as invalid, not treated as data.</summary>
    public ProxyVersions AcceptedVersions { get; init; } = ProxyVersions.Both;

    /// <summary>Verify a CRC32C TLV when one is present (rule 16).</summary>
    public bool VerifyChecksum { get; init; } = true;

    /// <summary>
    /// The largest v2 <c>len</c> accepted, 0..65535 (rule 21). A header announcing more is refused before
    /// its bytes are buffered. Raise it when client certificates (SSL_CLIENT_CERT) must pass.
    /// </summary>
    public int MaxV2Length
    {
        get;
        init => field = value is >= 0 and <= ushort.MaxValue
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The v2 length field is 16 bits: 0..65535.");
    } = DefaultMaxV2Length;
}
