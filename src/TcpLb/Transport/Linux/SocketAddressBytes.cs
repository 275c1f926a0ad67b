using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using TcpLb.ProxyProtocol;

namespace TcpLb.Transport.Linux;

/// <summary>
/// A <c>sockaddr_in</c> or <c>sockaddr_in6</c> held by value (28 bytes), as accept4 and getsockname fill it and
/// connect takes it. Converted to an <see cref="IPEndPoint"/> only when something needs one (a log line).
/// </summary>
[InlineArray(Size)]
internal struct SocketAddressBytes
{
    /// <summary><c>sizeof(struct sockaddr_in6)</c>, the larger of the two.</summary>
    public const int Size = 28;

    private byte _first;

    public readonly int Family => BinaryPrimitives.ReadUInt16LittleEndian(this);

    /// <summary>The length connect() wants for this family.</summary>
    public readonly int Length => Family == LinuxFlags.AF_INET ? 16 : Size;

    public readonly int Port => BinaryPrimitives.ReadUInt16BigEndian(((ReadOnlySpan<byte>)this)[2..]);

    /// <summary>The address as the PROXY codec holds it (by value, no allocation).</summary>
    public readonly ProxyAddress Address
    {
        get
        {
            ReadOnlySpan<byte> bytes = this;
            return ProxyAddress.FromBytes(Family == LinuxFlags.AF_INET ? bytes.Slice(4, 4) : bytes.Slice(8, 16));
        }
    }

    public static SocketAddressBytes From(IPEndPoint endPoint)
    {
        var address = new SocketAddressBytes();
        Span<byte> bytes = address;
        if (endPoint.AddressFamily == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, LinuxFlags.AF_INET);
            BinaryPrimitives.WriteUInt16BigEndian(bytes[2..], (ushort)endPoint.Port);
            endPoint.Address.TryWriteBytes(bytes.Slice(4, 4), out _);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, LinuxFlags.AF_INET6);
            BinaryPrimitives.WriteUInt16BigEndian(bytes[2..], (ushort)endPoint.Port);
            endPoint.Address.TryWriteBytes(bytes.Slice(8, 16), out _);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes[24..], (uint)endPoint.Address.ScopeId);
        }

        return address;
    }

    /// <summary>The endpoint (allocates); IPv4-mapped IPv6 stays as the kernel gave it.</summary>
    public readonly IPEndPoint ToEndPoint()
    {
        ReadOnlySpan<byte> bytes = this;
        return new(new IPAddress(Family == LinuxFlags.AF_INET ? bytes.Slice(4, 4) : bytes.Slice(8, 16)), Port);
    }
}
