using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace TcpLb.ProxyProtocol;

/// <summary>
/// CRC-32C (Castagnoli) as the v2 CRC32C TLV needs it (rule 15): over the whole header with the
/// checksum's own 4 bytes read as zero. <see cref="BitOperations.Crc32C(uint, ulong)"/> is the
/// hardware instruction's step; the standard CRC adds the all-ones start and final inversion.
/// </summary>
internal static class Crc32C
{
    /// <summary>The CRC of <paramref name="bytes"/> with the 4 bytes at <paramref name="zeroedOffset"/> read as zeros.</summary>
    public static uint Compute(ReadOnlySequence<byte> bytes, long zeroedOffset)
    {
        uint crc = uint.MaxValue;
        long position = 0;
        foreach (ReadOnlyMemory<byte> memory in bytes)
        {
            ReadOnlySpan<byte> span = memory.Span;
            for (int i = 0; i < span.Length;)
            {
                long absolute = position + i;
                if (absolute >= zeroedOffset && absolute < zeroedOffset + 4)
                {
                    crc = BitOperations.Crc32C(crc, (byte)0);
                    i++;
                    continue;
                }

                // Up to the zeroed field (or the end of this segment) in one run.
                long runEnd = absolute < zeroedOffset ? Math.Min(span.Length, zeroedOffset - position) : span.Length;
                crc = Append(crc, span[i..(int)runEnd]);
                i = (int)runEnd;
            }

            position += span.Length;
        }

        return ~crc;
    }

    /// <summary>The CRC of a contiguous header with the checksum field at <paramref name="zeroedOffset"/> read as zeros.</summary>
    public static uint Compute(ReadOnlySpan<byte> bytes, int zeroedOffset)
    {
        uint crc = Append(uint.MaxValue, bytes[..zeroedOffset]);
        crc = BitOperations.Crc32C(crc, 0u);
        crc = Append(crc, bytes[(zeroedOffset + 4)..]);
        return ~crc;
    }

    private static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
