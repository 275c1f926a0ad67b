using FsCheck;
using FsCheck.Fluent;

namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>
/// Generators for every header the writer can produce: PROXY over IPv4, IPv6, mixed families and
/// IPv4-mapped IPv6 (rule 23), any ports, LOCAL and UNKNOWN, v1 and v2, and for v2 up to five TLVs of
/// registered and unregistered types (never CRC32C: the writer adds that itself) with or without a CRC32C.
/// The static <see cref="Arbitrary{T}"/> members are what <c>[Property(Arbitrary = ...)]</c> picks up.
/// </summary>
public static class HeaderGenerators
{
    public static readonly Gen<byte> AnyByte = Gen.Choose(0, 255).Select(b => (byte)b);

    public static readonly Gen<ushort> Port = Gen.Frequency(
        (4, Gen.Choose(0, ushort.MaxValue)),
        (1, Gen.Elements(0, 1, 9, 10, 80, 443, 1023, 1024, 9999, 10000, 65534, 65535)))
        .Select(port => (ushort)port);

    /// <summary>Octets biased to the digit-count edges the v1 text form must get right.</summary>
    private static readonly Gen<byte> s_octet = Gen.Frequency(
        (3, AnyByte),
        (1, Gen.Elements<byte>(0, 1, 9, 10, 99, 100, 127, 255)));

    public static readonly Gen<ProxyAddress> IPv4 = s_octet.ArrayOf(4).Select(bytes => ProxyAddress.FromBytes(bytes));

    /// <summary>Groups biased to zero runs (the <c>::</c> of RFC 5952) and to 1-4 hex digits.</summary>
    public static readonly Gen<ushort> Group = Gen.Frequency(
        (4, Gen.Constant(0)),
        (1, Gen.Choose(1, 0xF)),
        (1, Gen.Choose(0x10, 0xFFF)),
        (3, Gen.Choose(0, ushort.MaxValue)),
        (1, Gen.Constant(0xFFFF)))
        .Select(group => (ushort)group);

    public static readonly Gen<ProxyAddress> IPv6 = Gen.Frequency(
        (8, Group.ArrayOf(8).Select(FromGroups)),
        (1, Gen.Elements("::", "::1", "1::", "fe80::1", "2001:db8::", "::1.2.3.4", "64:ff9b::c000:201")
            .Select(text => ParseIPv6(text))));

    public static readonly Gen<ProxyAddress> IPv4MappedIPv6 = IPv4.Select(v4 => ProxyAddress.FromIPv4(v4.ToIPv4()).MapToIPv6());

    /// <summary>Drawn separately for source and destination, so a third of pairs mix families.</summary>
    public static readonly Gen<ProxyAddress> Address = Gen.Frequency((3, IPv4), (3, IPv6), (2, IPv4MappedIPv6));

    private static readonly byte[] s_registeredTypes =
    [
        .. new[]
        {
            ProxyTlvType.Alpn, ProxyTlvType.Authority, ProxyTlvType.Noop, ProxyTlvType.UniqueId, ProxyTlvType.Ssl,
            ProxyTlvType.SslVersion, ProxyTlvType.SslCommonName, ProxyTlvType.SslCipher, ProxyTlvType.SslSignatureAlgorithm,
            ProxyTlvType.SslKeyAlgorithm, ProxyTlvType.SslGroup, ProxyTlvType.SslSignatureScheme, ProxyTlvType.SslClientCertificate,
            ProxyTlvType.NetworkNamespace, ProxyTlvType.GcpPrivateServiceConnect, ProxyTlvType.Aws, ProxyTlvType.Azure,
        }.Select(type => (byte)type),
    ];

    /// <summary>Registered types, and any other byte (unregistered types are passed through, rule 14) except CRC32C.</summary>
    public static readonly Gen<byte> TlvType = Gen.Frequency(
        (3, Gen.Elements(s_registeredTypes)),
        (2, AnyByte.Where(type => type != (byte)ProxyTlvType.Crc32C)));

    public static readonly Gen<GeneratedTlv> Tlv =
        from type in TlvType
        from length in type == (byte)ProxyTlvType.UniqueId
            ? Gen.Frequency((3, Gen.Choose(0, ProxyTlv.MaxUniqueIdLength)), (1, Gen.Constant(ProxyTlv.MaxUniqueIdLength)))
            : Gen.Frequency((3, Gen.Choose(0, 16)), (2, Gen.Choose(0, 300)), (1, Gen.Constant(300)))
        from value in AnyByte.ArrayOf(length)
        select new GeneratedTlv(type, value);

    public static readonly Gen<GeneratedTlv[]> Tlvs =
        from count in Gen.Choose(0, 5)
        from tlvs in Tlv.ArrayOf(count)
        select tlvs;

    public static readonly Gen<WritableHeader> AnyVersion = Headers(Gen.Elements(ProxyVersion.V1, ProxyVersion.V2), Gen.Elements(false, true));

    public static readonly Gen<WritableHeader> V2WithChecksum = Headers(Gen.Constant(ProxyVersion.V2), Gen.Constant(true));

    public static Arbitrary<WritableHeader> WritableHeaders() => Arb.From(AnyVersion);

    public static Arbitrary<ChecksummedHeader> ChecksummedHeaders() =>
        Arb.From(V2WithChecksum.Select(header => new ChecksummedHeader(header, header.Write())));

    /// <summary>
    /// Headers of every kind. For v2 the TLVs are split between those the header carries (forwarded,
    /// written first) and those passed to the writer; v1 gets only forwarded ones, which it must drop.
    /// </summary>
    public static Gen<WritableHeader> Headers(Gen<ProxyVersion> versions, Gen<bool> checksums) =>
        from kind in Gen.Frequency(
            (6, Gen.Constant(WritableHeaderKind.Tcp)),
            (1, Gen.Constant(WritableHeaderKind.Local)),
            (1, Gen.Constant(WritableHeaderKind.Unknown)))
        from version in versions
        from source in Address
        from sourcePort in Port
        from destination in Address
        from destinationPort in Port
        from fromEndPoints in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from tlvs in Tlvs
        from split in Gen.Choose(0, tlvs.Length)
        from crc32C in checksums
        let tcp = kind == WritableHeaderKind.Tcp
        let v1 = version == ProxyVersion.V1
        select new WritableHeader(
            kind,
            version,
            tcp ? source : ProxyAddress.None,
            tcp ? sourcePort : (ushort)0,
            tcp ? destination : ProxyAddress.None,
            tcp ? destinationPort : (ushort)0,
            tcp && fromEndPoints,
            v1 ? tlvs : tlvs[..split],
            v1 ? [] : tlvs[split..],
            !v1 && crc32C);

    public static ProxyAddress FromGroups(ushort[] groups)
    {
        var bytes = new byte[16];
        for (int g = 0; g < 8; g++)
        {
            bytes[2 * g] = (byte)(groups[g] >> 8);
            bytes[(2 * g) + 1] = (byte)groups[g];
        }

        return ProxyAddress.FromBytes(bytes);
    }

    private static ProxyAddress ParseIPv6(string text) =>
        ProxyAddress.FromIPAddress(System.Net.IPAddress.Parse(text));
}
