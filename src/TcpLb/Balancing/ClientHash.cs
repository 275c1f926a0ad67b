using TcpLb.ProxyProtocol;

namespace TcpLb.Balancing;

/// <summary>
/// A stable 64-bit hash of a client address for source-hash balancing: the same client gives the same
/// value in every process (unlike string hashing), without allocating.
/// </summary>
internal static class ClientHash
{
    public static ulong Of(ProxyAddress address)
    {
        // IPv4-mapped IPv6 and IPv4 are one client: hash the IPv4 form.
        address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        int length = address.CopyTo(bytes);
        ulong hash = 14695981039346656037UL; // FNV-1a offset basis
        foreach (byte b in bytes[..length])
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        // A final avalanche (splitmix64's) so nearby addresses spread over the whole range.
        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }
}
