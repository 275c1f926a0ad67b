using System.Buffers;

namespace TcpLb.Benchmarks.Codec;

/// <summary>
/// Builds a multi-segment <see cref="ReadOnlySequence{T}"/>, the way a PipeReader hands over bytes that
/// arrived in several reads, so the parser's cross-segment paths are measured too.
/// </summary>
internal static class SegmentedSequence
{
    /// <summary>
    /// <paramref name="bytes"/> cut at the given ascending offsets, each piece copied into its own array,
    /// as separate socket reads land in separate buffers.
    /// </summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] bytes, params int[] cuts)
    {
        var first = new ChunkSegment(bytes.AsSpan(0, cuts[0]).ToArray(), 0);
        ChunkSegment last = first;
        for (int i = 0; i < cuts.Length; i++)
        {
            int end = i + 1 < cuts.Length ? cuts[i + 1] : bytes.Length;
            last = last.Append(bytes.AsSpan(cuts[i]..end).ToArray());
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
