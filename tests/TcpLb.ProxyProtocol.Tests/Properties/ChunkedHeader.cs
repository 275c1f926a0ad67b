namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>A written header, the payload that follows it in the same read, and where the reads split the bytes (rule 19).</summary>
public sealed record ChunkedHeader(WritableHeader Source, byte[] HeaderBytes, byte[] Payload, int[] Cuts)
{
    /// <summary>Header then payload, as they travel.</summary>
    public byte[] Wire() => [.. HeaderBytes, .. Payload];

    public override string ToString() =>
        $"{Source}; header {Convert.ToHexString(HeaderBytes)}; payload {Convert.ToHexString(Payload)}; cuts [{string.Join(", ", Cuts)}]";
}
