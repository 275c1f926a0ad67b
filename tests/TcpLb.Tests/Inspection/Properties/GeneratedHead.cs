namespace TcpLb.Tests.Inspection.Properties;

/// <summary>A request head built from known parts (and body bytes after it), cut into reads, and what it should read back as.</summary>
public sealed record GeneratedHead(byte[] Bytes, int HeadLength, int[] Cuts, string? ExpectedHost, bool ExpectedWebSocket)
{
    public override string ToString() =>
        $"host {ExpectedHost ?? "(none)"}, websocket {ExpectedWebSocket}, head {HeadLength} bytes; cuts [{string.Join(", ", Cuts)}]; {System.Text.Encoding.Latin1.GetString(Bytes)}";
}
