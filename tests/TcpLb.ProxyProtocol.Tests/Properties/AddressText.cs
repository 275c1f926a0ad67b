namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>One RFC 4291 text form of an address (not necessarily the canonical RFC 5952 one), and the address it names.</summary>
public sealed record AddressText(string Text, ProxyAddress Address)
{
    public override string ToString() => $"\"{Text}\" = {Address}";
}
