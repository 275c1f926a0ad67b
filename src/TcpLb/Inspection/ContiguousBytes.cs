using System.Buffers;

namespace TcpLb.Inspection;

/// <summary>
/// The inspected bytes as one span, so the readers index instead of walking segments. One segment (the
/// common case: the pipe fills one block before it starts another) is used as it is; several are copied
/// into a pooled array, returned on <see cref="Dispose"/>. The readers report what they find as positions
/// in the original sequence, never in this span.
/// </summary>
internal ref struct ContiguousBytes
{
    private byte[]? _rented;

    public ContiguousBytes(ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment)
        {
            Span = bytes.FirstSpan;
            return;
        }

        _rented = ArrayPool<byte>.Shared.Rent((int)bytes.Length);
        bytes.CopyTo(_rented);
        Span = _rented.AsSpan(0, (int)bytes.Length);
    }

    public ReadOnlySpan<byte> Span { get; }

    /// <summary>The first <paramref name="maxBytes"/> bytes of <paramref name="input"/> (all of them when fewer): what a reader may look at.</summary>
    public static ContiguousBytes Capped(in ReadOnlySequence<byte> input, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        return new ContiguousBytes(input.Length > maxBytes ? input.Slice(0, maxBytes) : input);
    }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
