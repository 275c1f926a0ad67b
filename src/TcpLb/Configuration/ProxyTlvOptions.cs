using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.ProxyTlvOptions>;

namespace TcpLb.Configuration;

/// <summary>
/// One item of <c>proxyTlvs</c> (a listener's or a route's): a word, <c>authority</c>, <c>alpn</c>, <c>unique-id</c> or
/// <c>crc32c</c>, or a custom TLV <c>{type: 0xE1, value: "..."}</c>; <c>--proxy-tlv</c> takes the words and <c>0xE1=TEXT</c>.
/// </summary>
internal sealed record ProxyTlvOptions
{
    /// <summary>The custom range (PROXY spec 2.2.7): the other types are registered, experimental or reserved.</summary>
    public const int FirstCustomType = 0xE0;

    /// <inheritdoc cref="FirstCustomType"/>
    public const int LastCustomType = 0xEF;

    private static readonly (string Word, ProxyTlvKind Kind)[] s_words =
        [("authority", ProxyTlvKind.Authority), ("alpn", ProxyTlvKind.Alpn), ("unique-id", ProxyTlvKind.UniqueId), ("crc32c", ProxyTlvKind.Crc32C)];

    public ProxyTlvKind Kind { get; init; } = ProxyTlvKind.Custom;

    /// <summary>A custom TLV's type, 0xE0..0xEF.</summary>
    public int Type { get; init; }

    /// <summary>A custom TLV's value, sent as its UTF-8 bytes.</summary>
    public string Value { get; init; } = string.Empty;

    // 0xE1 (or 225): a type of the custom range. Declared before Settings, which reads it.
    private static readonly SettingValue<int> s_customType = new($"0x{FirstCustomType:X2}..0x{LastCustomType:X2}", static (string text, out int type, out string error) =>
    {
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!int.TryParse(hex ? text[2..] : text, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out type))
        {
            error = $"'{text}' is not a TLV type: write it as 0xE1 (or 225)";
            return false;
        }

        bool custom = type is >= FirstCustomType and <= LastCustomType;
        error = custom ? string.Empty
            : $"'{text}' is not a custom type; custom TLVs take 0x{FirstCustomType:X2}-0x{LastCustomType:X2} (the others are registered, experimental or reserved)";
        return custom;
    }, static type => $"0x{type:X2}");

    /// <summary>A custom TLV written as settings.</summary>
    public static SettingSet<ProxyTlvOptions> Settings { get; } = new(
        Value("type", s_customType, o => o.Type, (o, v) => o with { Type = v },
            help: "The custom TLV's type.", missing: $"missing; give a type of the custom range, 0x{FirstCustomType:X2}-0x{LastCustomType:X2}"),
        Value("value", SettingValues.Text("TEXT"), o => o.Value, (o, v) => o with { Value = v },
            help: "The custom TLV's value, sent as UTF-8.", missing: "missing; give the value to send, as text"));

    /// <summary>An item in one string: a word, or <c>0xE1=TEXT</c> for a custom TLV.</summary>
    public static SettingValue<ProxyTlvOptions> ShortForm { get; } = new(
        $"{string.Join('|', s_words.Select(pair => pair.Word))}|TYPE=TEXT",
        static (string text, [MaybeNullWhen(false)] out ProxyTlvOptions item, out string error) =>
        {
            foreach ((string word, ProxyTlvKind kind) in s_words)
            {
                if (string.Equals(word, text, StringComparison.OrdinalIgnoreCase))
                {
                    item = new ProxyTlvOptions { Kind = kind };
                    error = string.Empty;
                    return true;
                }
            }

            item = null;
            string[] custom = text.Split('=', 2);
            if (custom.Length < 2)
            {
                error = $"'{text}' is not one of {string.Join(", ", s_words.Select(pair => pair.Word))}, or a custom TLV (0xE1=TEXT, or {{type: 0xE1, value: TEXT}})";
                return false;
            }

            if (!s_customType.TryParse(custom[0], out int type, out error))
            {
                return false;
            }

            item = new ProxyTlvOptions { Type = type, Value = custom[1] };
            return true;
        },
        static item => Describe(item));

    /// <summary>The item as the short form writes it: <c>authority</c>, <c>0xE1=TEXT</c>.</summary>
    public static string Describe(ProxyTlvOptions item) => item.Kind == ProxyTlvKind.Custom
        ? $"{s_customType.Format(item.Type)}={item.Value}"
        : s_words.First(pair => pair.Kind == item.Kind).Word;
}
