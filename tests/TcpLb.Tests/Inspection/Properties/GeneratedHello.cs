namespace TcpLb.Tests.Inspection.Properties;

/// <summary>A ClientHello built from known parts, in records and reads cut as drawn, and what it should read back as.</summary>
public sealed record GeneratedHello(byte[] Bytes, int[] Cuts, string? ExpectedServerName, string ExpectedAlpn, ushort ExpectedVersion, string Description)
{
    public override string ToString() => $"{Description}; cuts [{string.Join(", ", Cuts)}]; {Convert.ToHexString(Bytes)}";
}
