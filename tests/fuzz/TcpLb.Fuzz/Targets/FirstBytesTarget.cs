using System.Buffers;
using TcpLb.Inspection;
using TcpLb.ProxyProtocol.Tests.Support;

namespace TcpLb.Fuzz.Targets;

/// <summary>
/// The first-bytes inspection (<see cref="FirstBytesInspector"/>: TLS ClientHello, HTTP/1 request head): a client
/// writes these bytes. The input's first byte chooses the cap (64 .. 16 384 bytes), the rest is the wire. Never
/// throws; the same verdict (status, error, protocol, length) however the bytes are split; positions within the input.
/// </summary>
internal sealed class FirstBytesTarget : IFuzzTarget
{
    private const int EverySplitLimit = 300;
    private static readonly int[] s_caps = [64, 256, 1024, 4096, 16384];

    public string Name => "first-bytes";

    public string Assembly => "tcplb.dll";

    public IReadOnlyList<string> Prefixes => ["TcpLb.Inspection"];

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        int cap = s_caps[input[0] % s_caps.Length];
        byte[] wire = input[1..].ToArray();
        var contiguous = new ReadOnlySequence<byte>(wire);
        InspectionResult result = FirstBytesInspector.Inspect(contiguous, cap);
        Check(contiguous, result);

        IEnumerable<ReadOnlySequence<byte>> splits = wire.Length <= EverySplitLimit
            ? Segments.AllSplits(wire)
            : [Segments.SplitAt(wire, 1), Segments.SplitAt(wire, 5), Segments.SplitAt(wire, wire.Length / 2), Segments.Of([.. wire.Select(b => new[] { b })])];
        foreach (ReadOnlySequence<byte> split in splits)
        {
            InspectionResult again = FirstBytesInspector.Inspect(split, cap);
            Check(split, again);
            InvariantException.Check(
                again.Status == result.Status && again.Error == result.Error && again.Protocol == result.Protocol && again.Length == result.Length,
                $"a split input gave {again.Status}/{again.Error}/{again.Protocol}/{again.Length}, the contiguous one {result.Status}/{result.Error}/{result.Protocol}/{result.Length}");
        }
    }

    private static void Check(in ReadOnlySequence<byte> input, InspectionResult result)
    {
        InvariantException.Check(Enum.IsDefined(result.Status) && Enum.IsDefined(result.Error) && Enum.IsDefined(result.Protocol), $"undefined verdict {result.Status}/{result.Error}/{result.Protocol}");
        long consumed = input.GetOffset(result.Consumed);
        long examined = input.GetOffset(result.Examined);
        InvariantException.Check(consumed <= examined && examined <= input.Length, $"consumed {consumed}, examined {examined}, length {input.Length}");
        InvariantException.Check(result.Length >= 0 && result.Length <= input.Length, $"length {result.Length} of {input.Length} bytes");
    }
}
