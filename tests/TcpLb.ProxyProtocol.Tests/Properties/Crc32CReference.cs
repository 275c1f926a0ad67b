namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) computed bit by bit: slow and obviously right,
/// an oracle independent of the codec's hardware-instruction version.
/// </summary>
internal static class Crc32CReference
{
    private const uint ReflectedPolynomial = 0x82F63B78;

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            }
        }

        return ~crc;
    }
}
