using System.Buffers;
using TcpLb.ProxyProtocol;
using TcpLb.ProxyProtocol.Tests.Support;

namespace TcpLb.Fuzz.Targets;

/// <summary>
/// The PROXY header parser, v1 and v2, under every combination of <see cref="ProxyHeaderParserOptions"/>: the
/// input's first byte chooses the options, the rest is what a peer sent. Beyond "never throws", it checks what the
/// parser promises its callers: the same answer however the bytes are split (rule 19), a prefix of a header is
/// Incomplete (rule 19), exactly the header is consumed (rule 12) within the caps (rules 5, 21), and a Complete
/// header, written again, parses back to the same meaning.
/// </summary>
internal sealed class ProxyHeaderTarget : IFuzzTarget
{
    // Inputs up to this long are also parsed split at every byte (quadratic); longer ones at a few cuts only.
    private const int EverySplitLimit = 300;

    // The v2 caps the first byte chooses among: the default, 0, one byte short of and exactly each address block, the most.
    private static readonly int[] s_maxV2Lengths = [ProxyHeaderParserOptions.DefaultMaxV2Length, 0, 11, 12, 36, 216, 1024, ushort.MaxValue];

    private static readonly ProxyHeaderParserOptions s_reparse = new() { MaxV2Length = ushort.MaxValue };

    public string Name => "proxy-header";

    public string Assembly => "TcpLb.ProxyProtocol.dll";

    public IReadOnlyList<string> Prefixes => [];

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        ProxyHeaderParserOptions options = OptionsFrom(input[0]);
        byte[] wire = input[1..].ToArray();
        var contiguous = new ReadOnlySequence<byte>(wire);
        ProxyParseResult result = ProxyHeaderParser.Parse(contiguous, options);
        CheckResult(contiguous, result, options);

        foreach (ReadOnlySequence<byte> split in Splits(wire))
        {
            ProxyParseResult again = ProxyHeaderParser.Parse(split, options);
            CheckResult(split, again, options);
            InvariantException.Check(
                again.Status == result.Status && again.Error == result.Error && again.BytesConsumed == result.BytesConsumed && again.Header == result.Header,
                $"a split input gave {again.Status}/{again.Error}/{again.BytesConsumed}, the contiguous one {result.Status}/{result.Error}/{result.BytesConsumed}");
        }

        if (result.Status == ProxyParseStatus.Complete)
        {
            CheckHeader(contiguous, result, options);
        }
    }

    /// <summary>Bits 0-1: versions (V1, V2, both); bit 2: no CRC check; bits 3-5: the v2 cap.</summary>
    private static ProxyHeaderParserOptions OptionsFrom(byte choice) => new()
    {
        AcceptedVersions = (choice & 3) switch { 1 => ProxyVersions.V1, 2 => ProxyVersions.V2, _ => ProxyVersions.Both },
        VerifyChecksum = (choice & 4) == 0,
        MaxV2Length = s_maxV2Lengths[(choice >> 3) & 7],
    };

    private static IEnumerable<ReadOnlySequence<byte>> Splits(byte[] wire)
    {
        if (wire.Length <= EverySplitLimit)
        {
            return Segments.AllSplits(wire);
        }

        // A few cuts, inside the v2 fixed part, the v1 line and the TLVs, plus one byte per segment.
        int[] cuts = [1, 12, 13, 15, 16, 17, 28, 52, 107, 108, 232, wire.Length / 2, wire.Length - 1];
        return [.. cuts.Where(cut => cut < wire.Length).Select(cut => Segments.SplitAt(wire, cut)), Segments.Of([.. wire.Select(b => new[] { b })])];
    }

    // What a PipeReader caller relies on, for any status.
    private static void CheckResult(in ReadOnlySequence<byte> input, ProxyParseResult result, ProxyHeaderParserOptions options)
    {
        long consumed = input.GetOffset(result.Consumed);
        long examined = input.GetOffset(result.Examined);
        InvariantException.Check(consumed <= examined && examined <= input.Length, $"consumed {consumed}, examined {examined}, length {input.Length}");
        switch (result.Status)
        {
            case ProxyParseStatus.Incomplete:
                InvariantException.Check(consumed == 0 && examined == input.Length && result.BytesConsumed == 0, "Incomplete must consume nothing and examine everything");
                InvariantException.Check(input.Length < Math.Max(16 + options.MaxV2Length, ProxyHeaderWriter.MaxV1Length), $"still Incomplete after {input.Length} bytes (rules 5, 21)");
                break;
            case ProxyParseStatus.Complete:
                int length = result.Header.Length;
                InvariantException.Check(length > 0 && consumed == length && result.BytesConsumed == length, $"Complete consumed {consumed}, header length {length}");
                InvariantException.Check(
                    result.Header.Version == ProxyVersion.V1 ? length <= ProxyHeaderWriter.MaxV1Length : length <= 16 + options.MaxV2Length,
                    $"a {length}-byte v{(int)result.Header.Version} header passed the caps (rules 5, 21)");
                InvariantException.Check(result.Error == ProxyHeaderError.None, "Complete with an error");
                break;
            case ProxyParseStatus.Invalid:
                InvariantException.Check(consumed == 0 && result.Error != ProxyHeaderError.None && Enum.IsDefined(result.Error), $"Invalid with error {result.Error}, consumed {consumed}");
                _ = result.Error.ToString();
                break;
            case ProxyParseStatus.NotProxy:
                InvariantException.Check(consumed == 0 && result.Error == ProxyHeaderError.None, "NotProxy must consume nothing");
                break;
            default:
                throw new InvariantException($"status {result.Status} is not defined");
        }
    }

    private static void CheckHeader(in ReadOnlySequence<byte> input, ProxyParseResult result, ProxyHeaderParserOptions options)
    {
        ProxyHeader header = result.Header;
        int length = header.Length;

        // Rule 12: exactly the header's bytes make the same header; rule 19: every shorter prefix is only Incomplete.
        ProxyParseResult exact = ProxyHeaderParser.Parse(input.Slice(0, length), options);
        InvariantException.Check(exact.Status == ProxyParseStatus.Complete && exact.Header == header, "the header alone did not parse to itself");
        int step = length <= EverySplitLimit ? 1 : (length / 64) + 1;
        for (int prefix = 0; prefix < length; prefix += step)
        {
            ProxyParseResult partial = ProxyHeaderParser.Parse(input.Slice(0, prefix), options);
            InvariantException.Check(partial.Status == ProxyParseStatus.Incomplete, $"a {prefix}-byte prefix of a {length}-byte header was {partial.Status}/{partial.Error}");
        }

        // What logs and callers read must never throw.
        _ = header.ToString();
        _ = header.GetSourceEndPoint();
        _ = header.GetDestinationEndPoint();
        foreach (ProxyTlv tlv in header.EnumerateTlvs())
        {
            ReadTlv(tlv);
        }

        CheckRewrite(header);
    }

    private static void ReadTlv(ProxyTlv tlv)
    {
        _ = tlv.TryGetAlpn(out _);
        _ = tlv.TryGetAuthority(out _);
        _ = tlv.TryGetCrc32C(out _);
        _ = tlv.TryGetUniqueId(out _);
        _ = tlv.TryGetNetworkNamespace(out _);
        _ = tlv.TryGetString(tlv.Type, out _);
        _ = tlv.TryGetAwsVpcEndpointId(out _);
        _ = tlv.TryGetAzureLinkId(out _);
        _ = tlv.TryGetGcpPscConnectionId(out _);
        if (tlv.TryGetSsl(out ProxySslInfo ssl))
        {
            foreach (ProxyTlv sub in ssl.EnumerateSubTlvs())
            {
                _ = sub.TryGetString(sub.Type, out _);
            }
        }
    }

    // Written again in its version and parsed back, a header means the same: the writer sends what a TCP receiver
    // understood (UNIX and DGRAM become UNSPEC, rule 8; a stale CRC32C is dropped), and a fresh CRC32C verifies.
    private static void CheckRewrite(ProxyHeader header)
    {
        byte[] buffer = new byte[ProxyHeaderWriter.MaxV2Length];
        int written = ProxyHeaderWriter.Write(buffer, header, header.Version);
        ProxyParseResult back = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(buffer, 0, written), s_reparse);
        InvariantException.Check(back.Status == ProxyParseStatus.Complete && back.BytesConsumed == written, $"the re-written header parsed as {back.Status}/{back.Error}");
        InvariantException.Check(SameMeaning(header, back.Header), $"re-written, {header} came back as {back.Header}");

        if (header.Version == ProxyVersion.V2 && written + 7 <= ProxyHeaderWriter.MaxV2Length)
        {
            written = ProxyHeaderWriter.Write(buffer, header, ProxyVersion.V2, crc32C: true);
            back = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(buffer, 0, written), s_reparse);
            InvariantException.Check(back.Status == ProxyParseStatus.Complete, $"with a fresh CRC32C the re-written header parsed as {back.Status}/{back.Error}");
        }
    }

    private static bool SameMeaning(ProxyHeader sent, ProxyHeader received)
    {
        if (sent.Command != received.Command || sent.DescribesTcpConnection != received.DescribesTcpConnection)
        {
            return false;
        }

        if (sent.DescribesTcpConnection
            && (sent.Family != received.Family || sent.SourceAddress != received.SourceAddress || sent.DestinationAddress != received.DestinationAddress
                || sent.SourcePort != received.SourcePort || sent.DestinationPort != received.DestinationPort))
        {
            return false;
        }

        ProxyTlv[] expected = [.. Tlvs(sent).Where(tlv => tlv.Type != ProxyTlvType.Crc32C)];
        ProxyTlv[] actual = [.. Tlvs(received)];
        return sent.Version == ProxyVersion.V1
            ? actual.Length == 0
            : expected.Length == actual.Length && expected.Zip(actual).All(pair => pair.First.Type == pair.Second.Type && pair.First.Value.ToArray().AsSpan().SequenceEqual(pair.Second.Value.ToArray()));
    }

    private static List<ProxyTlv> Tlvs(ProxyHeader header)
    {
        var tlvs = new List<ProxyTlv>();
        foreach (ProxyTlv tlv in header.EnumerateTlvs())
        {
            tlvs.Add(tlv);
        }

        return tlvs;
    }
}
