using System.Buffers;

namespace TcpLb.ProxyProtocol.Tests.Support;

/// <summary>Builds multi-segment sequences, the way a PipeReader hands over bytes that arrived in several reads.</summary>
internal static class Segments
{
    /// <summary>One sequence whose segments are the given chunks, in order.</summary>
    public static ReadOnlySequence<byte> Of(params byte[][] chunks)
    {
        if (chunks.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(chunks[0], 0);
        Segment last = first;
        foreach (byte[] chunk in chunks.Skip(1))
        {
            last = last.Append(chunk);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary><paramref name="bytes"/> cut at the given offsets (ascending, within the array).</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] bytes, params int[] cuts)
    {
        var chunks = new List<byte[]>();
        int start = 0;
        foreach (int cut in cuts.Append(bytes.Length))
        {
            chunks.Add(bytes[start..cut]);
            start = cut;
        }

        return Of([.. chunks]);
    }

    /// <summary>Every way to cut <paramref name="bytes"/> in two, plus the one-byte-per-segment form.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> AllSplits(byte[] bytes)
    {
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            yield return SplitAt(bytes, cut);
        }

        yield return Of([.. bytes.Select(b => new[] { b })]);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
