using System.Buffers;
using System.Net;

namespace TcpLb.ProxyProtocol;

/// <summary>
/// A PROXY header, parsed or to be written. Addresses and ports are held by value; the TLVs are a view
/// of the bytes the header was parsed from (valid until the reader advances past them; call
/// <see cref="ToOwned"/> to keep them longer). Build one to write with <see cref="ForTcp(IPEndPoint, IPEndPoint, ReadOnlySequence{byte})"/>,
/// <see cref="Local"/> or <see cref="Unknown"/>.
/// </summary>
public readonly struct ProxyHeader : IEquatable<ProxyHeader>
{
    /// <summary>Builds a header from its parts (the parsers use it; callers use the factories below).</summary>
    internal ProxyHeader(
        ProxyVersion version,
        ProxyCommand command,
        ProxyAddressFamily family,
        ProxyTransport transport,
        ProxyAddress source,
        ushort sourcePort,
        ProxyAddress destination,
        ushort destinationPort,
        ReadOnlySequence<byte> tlvs,
        int length)
    {
        Version = version;
        Command = command;
        Family = family;
        Transport = transport;
        SourceAddress = source;
        SourcePort = sourcePort;
        DestinationAddress = destination;
        DestinationPort = destinationPort;
        Tlvs = tlvs;
        Length = length;
    }

    /// <summary>The version the header was parsed from; headers built in code say <see cref="ProxyVersion.V2"/>.</summary>
    public ProxyVersion Version { get; }

    /// <summary>LOCAL (the proxy's own connection) or PROXY (a relayed client). v1 headers are always PROXY.</summary>
    public ProxyCommand Command { get; }

    /// <summary>The family the header declares; Unspecified for LOCAL, v1 UNKNOWN and v2 UNSPEC.</summary>
    public ProxyAddressFamily Family { get; }

    /// <summary>The transport the header declares; v1 TCP4/TCP6 are <see cref="ProxyTransport.Stream"/>.</summary>
    public ProxyTransport Transport { get; }

    /// <summary>The client's address (IPv4 or IPv6 families only, else <see cref="ProxyAddress.None"/>).</summary>
    public ProxyAddress SourceAddress { get; }

    /// <summary>The client's port.</summary>
    public ushort SourcePort { get; }

    /// <summary>The address the client connected to.</summary>
    public ProxyAddress DestinationAddress { get; }

    /// <summary>The port the client connected to.</summary>
    public ushort DestinationPort { get; }

    /// <summary>The raw v2 TLV bytes (empty for v1).</summary>
    public ReadOnlySequence<byte> Tlvs { get; }

    /// <summary>How many bytes the header took on the wire (0 for a header built in code).</summary>
    public int Length { get; }

    /// <summary>
    /// True when the header describes a TCP client: PROXY command, IPv4 or IPv6, stream transport.
    /// When false, a TCP receiver uses the connection's real endpoints: LOCAL (rule 10), v1 UNKNOWN
    /// (rule 4), UNSPEC (rule 11), and UNIX or DGRAM, which a TCP listener treats as UNSPEC (rule 8).
    /// </summary>
    public bool DescribesTcpConnection =>
        Command == ProxyCommand.Proxy
        && Transport == ProxyTransport.Stream
        && Family is ProxyAddressFamily.InterNetwork or ProxyAddressFamily.InterNetworkV6;

    /// <summary>A LOCAL header: the proxy's own connection, such as a health check (rule 25).</summary>
    public static ProxyHeader Local(ReadOnlySequence<byte> tlvs = default) =>
        new(ProxyVersion.V2, ProxyCommand.Local, ProxyAddressFamily.Unspecified, ProxyTransport.Unspecified, default, 0, default, 0, tlvs, 0);

    /// <summary>A PROXY header that cannot describe the connection: v1 <c>UNKNOWN</c>, v2 UNSPEC (rules 4, 11).</summary>
    public static ProxyHeader Unknown(ReadOnlySequence<byte> tlvs = default) =>
        new(ProxyVersion.V2, ProxyCommand.Proxy, ProxyAddressFamily.Unspecified, ProxyTransport.Unspecified, default, 0, default, 0, tlvs, 0);

    /// <summary>
    /// A header for a TCP connection from <paramref name="source"/> to <paramref name="destination"/>,
    /// written in one family (rule 23): IPv4-mapped addresses are unmapped, and if the families
    /// then differ the IPv4 one is written as IPv4-mapped IPv6.
    /// </summary>
    public static ProxyHeader ForTcp(IPEndPoint source, IPEndPoint destination, ReadOnlySequence<byte> tlvs = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        return ForTcp(
            ProxyAddress.FromIPAddress(source.Address), (ushort)source.Port,
            ProxyAddress.FromIPAddress(destination.Address), (ushort)destination.Port,
            tlvs);
    }

    /// <summary>As <see cref="ForTcp(IPEndPoint, IPEndPoint, ReadOnlySequence{byte})"/>, from addresses held by value.</summary>
    public static ProxyHeader ForTcp(ProxyAddress source, ushort sourcePort, ProxyAddress destination, ushort destinationPort, ReadOnlySequence<byte> tlvs = default)
    {
        if (source.Family == ProxyAddressFamily.Unspecified || destination.Family == ProxyAddressFamily.Unspecified)
        {
            throw new ArgumentException("Both addresses must be IPv4 or IPv6; use Unknown() for a connection without addresses.");
        }

        source = source.MapToIPv4();
        destination = destination.MapToIPv4();
        if (source.Family != destination.Family)
        {
            source = source.MapToIPv6();
            destination = destination.MapToIPv6();
        }

        return new(ProxyVersion.V2, ProxyCommand.Proxy, source.Family, ProxyTransport.Stream, source, sourcePort, destination, destinationPort, tlvs, 0);
    }

    /// <summary>The client endpoint (allocates), or null when the header does not describe one.</summary>
    public IPEndPoint? GetSourceEndPoint() => ToEndPoint(SourceAddress, SourcePort);

    /// <summary>The destination endpoint (allocates), or null when the header does not describe one.</summary>
    public IPEndPoint? GetDestinationEndPoint() => ToEndPoint(DestinationAddress, DestinationPort);

    /// <summary>Walks the TLVs without allocating.</summary>
    public ProxyTlvEnumerator EnumerateTlvs() => new(Tlvs);

    /// <summary>Finds the first TLV of a type.</summary>
    public bool TryGetTlv(ProxyTlvType type, out ProxyTlv tlv)
    {
        foreach (ProxyTlv candidate in EnumerateTlvs())
        {
            if (candidate.Type == type)
            {
                tlv = candidate;
                return true;
            }
        }

        tlv = default;
        return false;
    }

    /// <summary>A copy whose TLVs live in a new array, safe to keep after the input buffer is released.</summary>
    /// <remarks>
    /// Without TLVs the copy holds the empty sequence, not an empty slice of the input: a slice keeps the input's
    /// segments, whose positions a pipe rewrites when it reuses them, and the "empty" slice then reads their new bytes.
    /// </remarks>
    public ProxyHeader ToOwned() => new(
        Version, Command, Family, Transport, SourceAddress, SourcePort, DestinationAddress, DestinationPort,
        Tlvs.IsEmpty ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(Tlvs.ToArray()), Length);

    /// <summary>
    /// Same meaning: command, family, transport, endpoints and TLV bytes. The version and wire length
    /// are not compared, so a header equals what it parses back to in either version.
    /// </summary>
    public bool Equals(ProxyHeader other) =>
        Command == other.Command
        && Family == other.Family
        && Transport == other.Transport
        && SourceAddress == other.SourceAddress
        && SourcePort == other.SourcePort
        && DestinationAddress == other.DestinationAddress
        && DestinationPort == other.DestinationPort
        && SequenceEqual(Tlvs, other.Tlvs);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ProxyHeader other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Command, Family, SourceAddress, SourcePort, DestinationAddress, DestinationPort, Tlvs.Length);

    /// <summary>Value equality.</summary>
    public static bool operator ==(ProxyHeader left, ProxyHeader right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(ProxyHeader left, ProxyHeader right) => !left.Equals(right);

    /// <summary>A one-line description for logs, e.g. <c>v2 PROXY TCP 192.0.2.1:5000 -> 198.51.100.7:443, 2 TLVs</c>.</summary>
    public override string ToString()
    {
        string what = DescribesTcpConnection
            ? $"{Command.ToString().ToUpperInvariant()} TCP {Format(SourceAddress, SourcePort)} -> {Format(DestinationAddress, DestinationPort)}"
            : $"{Command.ToString().ToUpperInvariant()} {Family} {Transport} (real endpoints apply)";
        int tlvCount = 0;
        foreach (ProxyTlv _ in EnumerateTlvs())
        {
            tlvCount++;
        }

        return $"v{(int)Version} {what}, {tlvCount} TLVs";
    }

    private static string Format(ProxyAddress address, ushort port) =>
        address.Family == ProxyAddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    private IPEndPoint? ToEndPoint(ProxyAddress address, ushort port) =>
        DescribesTcpConnection && address.ToIPAddress() is { } ip ? new IPEndPoint(ip, port) : null;

    private static bool SequenceEqual(ReadOnlySequence<byte> left, ReadOnlySequence<byte> right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        var a = new SequenceReader<byte>(left);
        var b = new SequenceReader<byte>(right);
        while (a.TryRead(out byte x) && b.TryRead(out byte y))
        {
            if (x != y)
            {
                return false;
            }
        }

        return true;
    }
}
