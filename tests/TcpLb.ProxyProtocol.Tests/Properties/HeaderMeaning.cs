using System.Buffers;

namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>
/// What a header means, field by field, as a record: the same fields <see cref="ProxyHeader.Equals(ProxyHeader)"/>
/// compares, held by value so an assertion prints both sides (TLV bytes as hex).
/// </summary>
public sealed record HeaderMeaning(
    ProxyCommand Command,
    ProxyAddressFamily Family,
    ProxyTransport Transport,
    ProxyAddress Source,
    ushort SourcePort,
    ProxyAddress Destination,
    ushort DestinationPort,
    string TlvHex)
{
    /// <summary>PROXY without addresses: v1 <c>UNKNOWN</c>, v2 UNSPEC.</summary>
    public static HeaderMeaning Unknown(string tlvHex = "") =>
        new(ProxyCommand.Proxy, ProxyAddressFamily.Unspecified, ProxyTransport.Unspecified, ProxyAddress.None, 0, ProxyAddress.None, 0, tlvHex);

    /// <summary>LOCAL: addresses ignored (rule 10).</summary>
    public static HeaderMeaning Local(string tlvHex = "") =>
        new(ProxyCommand.Local, ProxyAddressFamily.Unspecified, ProxyTransport.Unspecified, ProxyAddress.None, 0, ProxyAddress.None, 0, tlvHex);

    public static HeaderMeaning Of(in ProxyHeader header) => new(
        header.Command,
        header.Family,
        header.Transport,
        header.SourceAddress,
        header.SourcePort,
        header.DestinationAddress,
        header.DestinationPort,
        Convert.ToHexString(header.Tlvs.ToArray()));
}
