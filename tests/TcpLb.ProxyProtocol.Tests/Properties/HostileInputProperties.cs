using System.Buffers;
using FsCheck.Xunit;
using TcpLb.ProxyProtocol.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>
/// Whatever a peer sends, the parser returns a verdict without throwing, stays within the input, waits
/// only while the bytes could still become a header (rules 5, 19, 21), and accepts only headers that mean
/// something the writer can say.
/// </summary>
public sealed class HostileInputProperties
{
    private static readonly (string Name, ProxyHeaderParserOptions Options)[] s_receivers =
    [
        ("default", ProxyHeaderParserOptions.Default),
        ("no checksum, 64 KiB", new ProxyHeaderParserOptions { VerifyChecksum = false, MaxV2Length = ushort.MaxValue }),
        ("v1 only", new ProxyHeaderParserOptions { AcceptedVersions = ProxyVersions.V1 }),
        ("v2 only", new ProxyHeaderParserOptions { AcceptedVersions = ProxyVersions.V2 }),
    ];

    [Property(MaxTest = 1000, Arbitrary = new[] { typeof(WireInputGenerators) })]
    public void Arbitrary_bytes_never_throw_and_complete_only_as_a_header_the_writer_can_produce(WireInput wire)
    {
        foreach ((string receiver, ProxyHeaderParserOptions options) in s_receivers)
        {
            ReadOnlySequence<byte> whole = new(wire.Bytes);
            ProxyParseResult verdict = CheckVerdict(wire.Bytes, whole, options, receiver);

            // The same bytes arriving one per read get the same verdict.
            ReadOnlySequence<byte> bytePerSegment = Segments.Of([.. wire.Bytes.Select(b => new[] { b })]);
            ProxyParseResult again = CheckVerdict(wire.Bytes, bytePerSegment, options, receiver);
            Assert.Equal(verdict.Status, again.Status);
            Assert.Equal(verdict.Error, again.Error);
            Assert.Equal(verdict.BytesConsumed, again.BytesConsumed);
            if (verdict.Status == ProxyParseStatus.Complete)
            {
                Assert.Equal(HeaderMeaning.Of(verdict.Header), HeaderMeaning.Of(again.Header));
            }
        }
    }

    private static ProxyParseResult CheckVerdict(byte[] bytes, ReadOnlySequence<byte> input, ProxyHeaderParserOptions options, string receiver)
    {
        ProxyParseResult result = ProxyHeaderParser.Parse(input, options);
        long consumed = input.GetOffset(result.Consumed);
        long examined = input.GetOffset(result.Examined);
        Assert.InRange(consumed, 0, input.Length);
        Assert.InRange(examined, consumed, input.Length);

        bool v2 = bytes.AsSpan().StartsWith(V2Signature);
        switch (result.Status)
        {
            case ProxyParseStatus.Incomplete:
                Assert.Equal(0, consumed);
                Assert.Equal(input.Length, examined);
                Assert.Equal(0, result.BytesConsumed);

                // Waiting is bounded: v1 gives up at 107 bytes (rule 5), v2 once 16 + len bytes are in (rules 12, 21).
                long bound = !v2 ? ProxyHeaderWriter.MaxV1Length
                    : bytes.Length < 16 ? 16
                    : 16 + ((bytes[14] << 8) | bytes[15]);
                Assert.True(input.Length < bound, $"{receiver}: still waiting after {input.Length} bytes");
                break;

            case ProxyParseStatus.NotProxy:
            case ProxyParseStatus.Invalid:
                Assert.Equal(0, consumed);
                Assert.Equal(0, result.BytesConsumed);
                Assert.Equal(result.Status == ProxyParseStatus.Invalid, result.Error != ProxyHeaderError.None);
                break;

            case ProxyParseStatus.Complete:
                CheckAccepted(bytes, result, consumed, options, receiver);
                break;

            default:
                Assert.Fail($"{receiver}: unknown status {result.Status}");
                break;
        }

        return result;
    }

    private static void CheckAccepted(byte[] bytes, ProxyParseResult result, long consumed, ProxyHeaderParserOptions options, string receiver)
    {
        ProxyHeader header = result.Header;
        Assert.Equal(consumed, result.BytesConsumed);
        Assert.Equal(result.BytesConsumed, header.Length);
        Assert.InRange(result.BytesConsumed, 1, bytes.Length);
        if (header.Version == ProxyVersion.V1)
        {
            Assert.True((options.AcceptedVersions & ProxyVersions.V1) != 0, $"{receiver}: accepted v1");
            Assert.True(result.BytesConsumed <= ProxyHeaderWriter.MaxV1Length, $"{receiver}: a v1 line of {result.BytesConsumed} bytes");
            Assert.Equal("\r\n"u8.ToArray(), bytes[(int)(result.BytesConsumed - 2)..(int)result.BytesConsumed]);
        }
        else
        {
            Assert.True((options.AcceptedVersions & ProxyVersions.V2) != 0, $"{receiver}: accepted v2");
            Assert.Equal(16 + ((bytes[14] << 8) | bytes[15]), result.BytesConsumed);
        }

        // Written back in the same version (v2: TLVs kept, no checksum), it parses to what the writer says.
        byte[] rewritten = new byte[ProxyHeaderWriter.GetLength(header, header.Version)];
        int written = ProxyHeaderWriter.Write(rewritten, header, header.Version);
        ProxyParseResult reparsed = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(rewritten, 0, written), options);

        Assert.Equal(ProxyParseStatus.Complete, reparsed.Status);
        Assert.Equal(written, reparsed.BytesConsumed);
        HeaderMeaning expected = WhatTheWriterSays(header);
        Assert.Equal(expected, HeaderMeaning.Of(reparsed.Header));
        if (expected == HeaderMeaning.Of(header))
        {
            Assert.True(reparsed.Header.Equals(header), $"{receiver}: ProxyHeader.Equals disagrees with the field-by-field comparison");
        }
    }

    /// <summary>
    /// What the writer says when handed a parsed header: the same meaning, except that it drops a stale
    /// CRC32C TLV, and that it has no UNIX form, so a PROXY UNIX header (accepted under rule 8 and used as
    /// UNSPEC) goes out as UNSPEC with its TLVs.
    /// </summary>
    private static HeaderMeaning WhatTheWriterSays(in ProxyHeader header)
    {
        HeaderMeaning meaning = HeaderMeaning.Of(header);
        if (header.Version == ProxyVersion.V1)
        {
            return meaning;
        }

        var kept = new List<GeneratedTlv>();
        foreach (ProxyTlv tlv in header.EnumerateTlvs())
        {
            if (tlv.Type != ProxyTlvType.Crc32C)
            {
                kept.Add(new GeneratedTlv((byte)tlv.Type, tlv.Value.ToArray()));
            }
        }

        string tlvHex = Convert.ToHexString(GeneratedTlv.Encode(kept));
        return header.Command == ProxyCommand.Proxy && header.Family == ProxyAddressFamily.Unix
            ? HeaderMeaning.Unknown(tlvHex)
            : meaning with { TlvHex = tlvHex };
    }

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];
}
