using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TcpLb.ProxyProtocol;

/// <summary>
/// An IPv4 or IPv6 address held by value, so a parsed header exposes its addresses without allocating
/// (an <see cref="IPAddress"/> is a heap object; <see cref="ToIPAddress"/> makes one when you need it).
/// </summary>
public readonly partial struct ProxyAddress : IEquatable<ProxyAddress>, ISpanFormattable, IUtf8SpanFormattable
{
    // The address bytes in network order: IPv6 uses all 16, IPv4 the top 4 bytes of _high.
    private readonly ulong _high;
    private readonly ulong _low;

    private ProxyAddress(ProxyAddressFamily family, ulong high, ulong low)
    {
        Family = family;
        _high = high;
        _low = low;
    }

    /// <summary>The empty address (family <see cref="ProxyAddressFamily.Unspecified"/>).</summary>
    public static ProxyAddress None => default;

    /// <summary><see cref="ProxyAddressFamily.InterNetwork"/>, <see cref="ProxyAddressFamily.InterNetworkV6"/>, or Unspecified for <see cref="None"/>.</summary>
    public ProxyAddressFamily Family { get; }

    /// <summary>The number of address bytes: 4, 16, or 0 for <see cref="None"/>.</summary>
    public int Length => Family switch
    {
        ProxyAddressFamily.InterNetwork => 4,
        ProxyAddressFamily.InterNetworkV6 => 16,
        _ => 0,
    };

    /// <summary>True for <c>::ffff:a.b.c.d</c>, an IPv4 address written as IPv6 (rule 23).</summary>
    public bool IsIPv4MappedToIPv6 =>
        Family == ProxyAddressFamily.InterNetworkV6 && _high == 0 && (_low >> 32) == 0xFFFF;

    /// <summary>An IPv4 address from its 32-bit value in host order (<c>0x7F000001</c> is 127.0.0.1).</summary>
    public static ProxyAddress FromIPv4(uint value) =>
        new(ProxyAddressFamily.InterNetwork, (ulong)value << 32, 0);

    /// <summary>An address from its network-order bytes: 4 for IPv4, 16 for IPv6.</summary>
    /// <exception cref="ArgumentException">The span is neither 4 nor 16 bytes long.</exception>
    public static ProxyAddress FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        4 => FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(bytes)),
        16 => new(ProxyAddressFamily.InterNetworkV6,
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..])),
        _ => throw new ArgumentException("An IP address is 4 or 16 bytes long.", nameof(bytes)),
    };

    /// <summary>Copies an <see cref="IPAddress"/> without allocating. IPv6 scope ids are dropped: the header has no field for them.</summary>
    public static ProxyAddress FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
        {
            throw new ArgumentException("The address is neither IPv4 nor IPv6.", nameof(address));
        }

        return FromBytes(bytes[..written]);
    }

    /// <summary>The IPv4 address as a 32-bit value in host order.</summary>
    /// <exception cref="InvalidOperationException">The address is not IPv4.</exception>
    public uint ToIPv4()
    {
        if (Family != ProxyAddressFamily.InterNetwork)
        {
            throw new InvalidOperationException("The address is not IPv4.");
        }

        return (uint)(_high >> 32);
    }

    /// <summary>This address as IPv6: IPv4 becomes <c>::ffff:a.b.c.d</c>; IPv6 is unchanged.</summary>
    public ProxyAddress MapToIPv6() => Family == ProxyAddressFamily.InterNetwork
        ? new(ProxyAddressFamily.InterNetworkV6, 0, 0xFFFF_0000_0000UL | (_high >> 32))
        : this;

    /// <summary>This address as IPv4 when it is IPv4-mapped IPv6; otherwise unchanged.</summary>
    public ProxyAddress MapToIPv4() => IsIPv4MappedToIPv6 ? FromIPv4((uint)_low) : this;

    /// <summary>Writes the network-order bytes (4 or 16) and returns how many.</summary>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public int CopyTo(Span<byte> destination)
    {
        switch (Family)
        {
            case ProxyAddressFamily.InterNetwork:
                BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(_high >> 32));
                return 4;
            case ProxyAddressFamily.InterNetworkV6:
                BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
                BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
                return 16;
            default:
                return 0;
        }
    }

    /// <summary>A new <see cref="IPAddress"/> (allocates), or null for <see cref="None"/>.</summary>
    public IPAddress? ToIPAddress()
    {
        if (Family == ProxyAddressFamily.Unspecified)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        int length = CopyTo(bytes);
        return new IPAddress(bytes[..length]);
    }

    /// <summary>The <see cref="AddressFamily"/> a socket would report for this address.</summary>
    public AddressFamily ToAddressFamily() => Family switch
    {
        ProxyAddressFamily.InterNetwork => AddressFamily.InterNetwork,
        ProxyAddressFamily.InterNetworkV6 => AddressFamily.InterNetworkV6,
        _ => AddressFamily.Unspecified,
    };

    /// <inheritdoc/>
    public bool Equals(ProxyAddress other) =>
        Family == other.Family && _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ProxyAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Family, _high, _low);

    /// <summary>Value equality.</summary>
    public static bool operator ==(ProxyAddress left, ProxyAddress right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(ProxyAddress left, ProxyAddress right) => !left.Equals(right);
}
