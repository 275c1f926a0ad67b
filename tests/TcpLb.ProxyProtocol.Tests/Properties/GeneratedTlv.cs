namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>One TLV a property hands to the writer: its type byte and value, and its wire encoding (rule 15 layout).</summary>
public sealed record GeneratedTlv(byte Type, byte[] Value)
{
    /// <summary>Type byte + 2-byte big-endian length.</summary>
    public const int HeaderLength = 3;

    public int EncodedLength => HeaderLength + Value.Length;

    public ProxyTlv ToProxyTlv() => new((ProxyTlvType)Type, Value);

    public void EncodeTo(List<byte> output)
    {
        output.Add(Type);
        output.Add((byte)(Value.Length >> 8));
        output.Add((byte)Value.Length);
        output.AddRange(Value);
    }

    public static byte[] Encode(IEnumerable<GeneratedTlv> tlvs)
    {
        var output = new List<byte>();
        foreach (GeneratedTlv tlv in tlvs)
        {
            tlv.EncodeTo(output);
        }

        return [.. output];
    }

    public override string ToString() => $"{Type:X2}[{Value.Length}]{Convert.ToHexString(Value)}";
}
