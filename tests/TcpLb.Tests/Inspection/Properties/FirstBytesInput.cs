namespace TcpLb.Tests.Inspection.Properties;

/// <summary>Bytes a client might open with, and how they were made (for reading a counterexample).</summary>
public sealed record FirstBytesInput(string Origin, byte[] Bytes)
{
    public override string ToString() => $"{Origin}: {Convert.ToHexString(Bytes)}";
}
