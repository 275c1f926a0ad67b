using System.Buffers;
using System.Net;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Support;

/// <summary>PROXY headers as a balancer sends them, written with the codec (its own tests prove the bytes rule by rule).</summary>
internal static class Headers
{
    /// <summary>A client address no socket in the test has: it can only have come from a header.</summary>
    public static readonly IPEndPoint ReportedClient = new(IPAddress.Parse("203.0.113.7"), 55555);

    /// <summary>The address the reported client connected to (the balancer's public side).</summary>
    public static readonly IPEndPoint ReportedDestination = new(IPAddress.Parse("198.51.100.10"), 443);

    public static byte[] V1(IPEndPoint? source = null, IPEndPoint? destination = null) =>
        Write(ProxyHeader.ForTcp(source ?? ReportedClient, destination ?? ReportedDestination), ProxyVersion.V1);

    public static byte[] V2(IPEndPoint? source = null, IPEndPoint? destination = null, ProxyTlv[]? tlvs = null, bool crc32C = false) =>
        Write(ProxyHeader.ForTcp(source ?? ReportedClient, destination ?? ReportedDestination), ProxyVersion.V2, tlvs, crc32C);

    /// <summary>A v2 LOCAL header (rule 10): what a balancer's own health check sends.</summary>
    public static byte[] V2Local() => Write(ProxyHeader.Local(), ProxyVersion.V2);

    /// <summary>v1 <c>PROXY UNKNOWN</c> (rule 4).</summary>
    public static byte[] V1Unknown() => "PROXY UNKNOWN\r\n"u8.ToArray();

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    private static byte[] Write(ProxyHeader header, ProxyVersion version, ProxyTlv[]? tlvs = null, bool crc32C = false)
    {
        var writer = new ArrayBufferWriter<byte>();
        ProxyHeaderWriter.Write(writer, header, version, tlvs, crc32C);
        return writer.WrittenSpan.ToArray();
    }
}
