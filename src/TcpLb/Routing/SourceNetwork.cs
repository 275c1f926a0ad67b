using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using TcpLb.ProxyProtocol;

namespace TcpLb.Routing;

/// <summary>
/// A route's <c>source</c> CIDR, compared with the reported client address (after a trusted upstream's PROXY
/// header) as two masked 64-bit words, so matching needs no <see cref="IPAddress"/>. IPv4-mapped IPv6 clients
/// (a dual-stack listener's view of IPv4) are compared as IPv4, and so is a network written as mapped IPv6.
/// </summary>
internal readonly struct SourceNetwork : IEquatable<SourceNetwork>
{
    private readonly ulong _high;
    private readonly ulong _low;
    private readonly ulong _maskHigh;
    private readonly ulong _maskLow;
    private readonly bool _ipv4;

    public SourceNetwork(IPNetwork network)
    {
        Span<byte> bytes = stackalloc byte[16];
        IPAddress address = network.BaseAddress;
        int prefix = network.PrefixLength;
        if (address.IsIPv4MappedToIPv6 && prefix >= 96)
        {
            address = address.MapToIPv4();
            prefix -= 96;
        }

        _ipv4 = address.AddressFamily == AddressFamily.InterNetwork;
        PrefixLength = prefix;
        address.TryWriteBytes(bytes, out int written);
        (_high, _low) = Words(bytes[..written]);
        (_maskHigh, _maskLow) = Mask(prefix, _ipv4);
        _high &= _maskHigh;
        _low &= _maskLow;
        Network = network;
    }

    /// <summary>The network as configured.</summary>
    public IPNetwork Network { get; }

    /// <summary>The prefix length in its own family (a mapped IPv6 network counts as IPv4).</summary>
    public int PrefixLength { get; }

    /// <summary>True when <paramref name="client"/> is in the network.</summary>
    public bool Contains(ProxyAddress client)
    {
        client = client.MapToIPv4();
        if (client.Family is not (ProxyAddressFamily.InterNetwork or ProxyAddressFamily.InterNetworkV6)
            || (client.Family == ProxyAddressFamily.InterNetwork) != _ipv4)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        int length = client.CopyTo(bytes);
        (ulong high, ulong low) = Words(bytes[..length]);
        return (high & _maskHigh) == _high && (low & _maskLow) == _low;
    }

    /// <summary>True when every address of <paramref name="other"/> is in this network.</summary>
    public bool Covers(SourceNetwork other) =>
        _ipv4 == other._ipv4 && PrefixLength <= other.PrefixLength
        && (other._high & _maskHigh) == _high && (other._low & _maskLow) == _low;

    public bool Equals(SourceNetwork other) =>
        _ipv4 == other._ipv4 && PrefixLength == other.PrefixLength && _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is SourceNetwork other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_ipv4, PrefixLength, _high, _low);

    public override string ToString() => Network.ToString();

    // IPv4 sits in the top 32 bits of the high word, as ProxyAddress keeps it.
    private static (ulong High, ulong Low) Words(ReadOnlySpan<byte> bytes) => bytes.Length == 4
        ? ((ulong)BinaryPrimitives.ReadUInt32BigEndian(bytes) << 32, 0)
        : (BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));

    private static (ulong High, ulong Low) Mask(int prefix, bool ipv4)
    {
        prefix = Math.Clamp(prefix, 0, ipv4 ? 32 : 128);
        ulong high = prefix == 0 ? 0 : ulong.MaxValue << (64 - Math.Min(prefix, 64));
        ulong low = prefix <= 64 ? 0 : ulong.MaxValue << (128 - prefix);
        return (high, low);
    }
}
