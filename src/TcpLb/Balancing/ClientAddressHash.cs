using System.Buffers.Binary;
using System.Net;
using TcpLb.ProxyProtocol;

namespace TcpLb.Balancing;

/// <summary>
/// The <see cref="BalancingContext.ClientHash"/> of a client address: stable across runs and processes, no
/// allocation. IPv4 and its IPv4-mapped IPv6 form (<c>::ffff:a.b.c.d</c>, what a dual-stack socket reports)
/// hash the same, so a client keeps its backend whichever way it was accepted. IPv6 scope ids are ignored.
/// </summary>
internal static class ClientAddressHash
{
    // Distinguishes this hash from other uses of StableHash.Mix over the same numbers.
    private const ulong Seed = 0x5EED_C11E_A7AD_D4E5;

    // Where an IPv4 address sits in its IPv4-mapped IPv6 form: ::ffff:a.b.c.d (RFC 4291, 2.5.5.2).
    private const ulong IPv4MappedPrefix = 0xFFFF_0000_0000;

    /// <summary>The hash of an address parsed from a PROXY header (or <see cref="ProxyAddress.None"/>, which hashes like <c>::</c>).</summary>
    public static ulong Of(ProxyAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        return address.MapToIPv6().CopyTo(bytes) == 16
            ? Of(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]))
            : Of(0, 0);
    }

    /// <summary>The hash of a socket's remote address.</summary>
    public static ulong Of(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
        {
            return Of(0, 0);
        }

        return written == 4
            ? Of(0, IPv4MappedPrefix | BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : Of(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>The hash of the 16 bytes of an IPv6 address, as its high and low halves in network order.</summary>
    private static ulong Of(ulong high, ulong low) => StableHash.Mix(StableHash.Mix(low ^ Seed) + high);
}
