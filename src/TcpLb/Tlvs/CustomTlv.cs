namespace TcpLb.Tlvs;

/// <summary>
/// A TLV with a fixed value from the configuration, sent on every connection of its listener or route:
/// <c>{type: 0xE1, value: "..."}</c>. Only the custom range 0xE0-0xEF is allowed (PROXY spec 2.2.7): the
/// registered types mean something to routers, and 0xF0-0xFF are experimental or reserved.
/// </summary>
internal sealed class CustomTlv
{
    public const byte FirstType = 0xE0;
    public const byte LastType = 0xEF;

    public CustomTlv(byte type, ReadOnlyMemory<byte> value)
    {
        Type = type;
        Value = value;
    }

    public byte Type { get; }

    public ReadOnlyMemory<byte> Value { get; }

    public static bool IsCustomType(int type) => type is >= FirstType and <= LastType;

    public override string ToString() => $"0x{Type:X2} ({Value.Length} bytes)";
}
