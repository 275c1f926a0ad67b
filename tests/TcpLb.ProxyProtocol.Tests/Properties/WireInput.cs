namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>Bytes a peer might send, and how they were made (for reading a counterexample).</summary>
public sealed record WireInput(string Origin, byte[] Bytes)
{
    public override string ToString() => $"{Origin}: {Convert.ToHexString(Bytes)}";
}
