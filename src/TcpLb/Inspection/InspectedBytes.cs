using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace TcpLb.Inspection;

/// <summary>
/// A value found in the first bytes (an SNI, an ALPN name, a Host), as a view of the bytes received: nothing
/// is copied. Valid while the reader has not advanced past them (the bytes stay until they are forwarded).
/// </summary>
/// <remarks>
/// A ClientHello may be split across several TLS records (RFC 8446 5.1), so a value may have a 5-byte record
/// header in its middle. The view then spans the value as received, headers included, and walks around them:
/// the value's first <c>firstRun</c> bytes, a record header whose length field gives the next run, and so on.
/// Values found by the HTTP reader, and almost all TLS ones, are one run.
/// </remarks>
internal readonly struct InspectedBytes
{
    /// <summary>A TLS record header: type, version, 2-byte length (the last two bytes).</summary>
    internal const int RecordHeaderLength = 5;

    private readonly ReadOnlySequence<byte> _wire;
    private readonly int _firstRun;

    /// <summary>A value that lies in one run of <paramref name="wire"/>.</summary>
    public InspectedBytes(ReadOnlySequence<byte> wire)
        : this(wire, (int)wire.Length, (int)wire.Length)
    {
    }

    /// <summary>A value of <paramref name="length"/> bytes whose first <paramref name="firstRun"/> bytes precede a record header.</summary>
    internal InspectedBytes(ReadOnlySequence<byte> wire, int firstRun, int length)
    {
        _wire = wire;
        _firstRun = Math.Min(firstRun, length);
        Length = length;
    }

    /// <summary>The value's length in bytes (record headers inside it not counted).</summary>
    public int Length { get; }

    /// <summary>True when there is no value (an absent SNI or Host).</summary>
    public bool IsEmpty => Length == 0;

    /// <summary>
    /// The value as one slice of the input, when no record header interrupts it (always, for HTTP): then it
    /// can go into a <see cref="ProxyProtocol.ProxyTlv"/> without a copy.
    /// </summary>
    public bool TryGetContiguous(out ReadOnlySequence<byte> value)
    {
        value = _firstRun == Length ? _wire : default;
        return _firstRun == Length;
    }

    /// <summary>Copies the value into <paramref name="destination"/>; false, copying nothing, when it does not fit.</summary>
    public bool TryCopyTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return false;
        }

        if (_firstRun == Length)
        {
            _wire.CopyTo(destination);
            return true;
        }

        var runs = new RunWalker(this);
        int written = 0;
        while (runs.TryNext(out ReadOnlySequence<byte> run))
        {
            run.CopyTo(destination[written..]);
            written += (int)run.Length;
        }

        return true;
    }

    /// <summary>The byte at <paramref name="index"/> of the value (0 &lt;= index &lt; <see cref="Length"/>).</summary>
    public byte this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
            if (_firstRun == Length && _wire.IsSingleSegment)
            {
                return _wire.FirstSpan[index]; // the common case: one run in one segment
            }

            long wireOffset = WireOffsetOf(index, out _);
            var reader = new SequenceReader<byte>(_wire.Slice(wireOffset, 1));
            reader.TryRead(out byte value);
            return value;
        }
    }

    /// <summary>The part of the value from <paramref name="start"/>, <paramref name="length"/> bytes long.</summary>
    public InspectedBytes Slice(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, Length);
        if (length == 0)
        {
            return default;
        }

        if (_firstRun == Length)
        {
            return new InspectedBytes(_wire.Slice(start, length));
        }

        long first = WireOffsetOf(start, out int runLeft);
        long last = WireOffsetOf(start + length - 1, out _);
        return new InspectedBytes(_wire.Slice(first, last + 1 - first), runLeft, length);
    }

    /// <summary>The value as text, each byte one character (Latin-1). Allocates: for logs and tests.</summary>
    public override string ToString()
    {
        if (TryGetContiguous(out ReadOnlySequence<byte> contiguous))
        {
            return Encoding.Latin1.GetString(contiguous);
        }

        byte[] bytes = new byte[Length];
        TryCopyTo(bytes);
        return Encoding.Latin1.GetString(bytes);
    }

    // Where the value's byte at index lies in _wire, and how many value bytes its run holds from there.
    private long WireOffsetOf(int index, out int runLeft)
    {
        long wireOffset = 0;
        int run = _firstRun;
        while (index >= run)
        {
            index -= run;
            wireOffset += run;
            run = NextRunLength(_wire, wireOffset);
            wireOffset += RecordHeaderLength;
        }

        runLeft = run - index;
        return wireOffset + index;
    }

    // The record header at wireOffset announces the next run; the reader validated it (never 0 bytes).
    private static int NextRunLength(in ReadOnlySequence<byte> wire, long wireOffset)
    {
        Span<byte> length = stackalloc byte[2];
        wire.Slice(wireOffset + 3, 2).CopyTo(length);
        return BinaryPrimitives.ReadUInt16BigEndian(length);
    }

    /// <summary>Walks the value's runs in order.</summary>
    private ref struct RunWalker
    {
        private readonly ReadOnlySequence<byte> _wire;
        private long _offset;
        private int _left;
        private int _run;

        public RunWalker(in InspectedBytes bytes)
        {
            _wire = bytes._wire;
            _left = bytes.Length;
            _run = bytes._firstRun;
        }

        public bool TryNext(out ReadOnlySequence<byte> run)
        {
            if (_left == 0)
            {
                run = default;
                return false;
            }

            if (_run == 0)
            {
                _run = NextRunLength(_wire, _offset);
                _offset += RecordHeaderLength;
            }

            int take = Math.Min(_run, _left);
            run = _wire.Slice(_offset, take);
            _offset += take;
            _left -= take;
            _run -= take;
            return true;
        }
    }
}
