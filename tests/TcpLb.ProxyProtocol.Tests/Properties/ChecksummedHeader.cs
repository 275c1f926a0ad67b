namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>A v2 header written with a CRC32C TLV (rules 15, 16), and its bytes.</summary>
public sealed record ChecksummedHeader(WritableHeader Source, byte[] Bytes)
{
    public override string ToString() => $"{Source}; bytes {Convert.ToHexString(Bytes)}";
}
