using System.Buffers.Binary;

namespace TcpLb.Inspection;

/// <summary>
/// Reads the handshake bytes of a TLS connection's first records as one stream, stepping over each record
/// header as it comes (RFC 8446 5.1: a handshake message may span records) and validating it. A read fails
/// when the bytes run out (<see cref="OutOfInput"/>: wait for more), when a record header is wrong
/// (<see cref="Error"/>), or when it would pass the end of the current message (<see cref="Limit"/>).
/// </summary>
internal ref struct HandshakeCursor
{
    private readonly ReadOnlySpan<byte> _bytes;
    private int _offset;
    private int _recordLeft;
    private int _messageLeft;

    /// <summary>A cursor at the first record header of <paramref name="bytes"/>.</summary>
    public HandshakeCursor(ReadOnlySpan<byte> bytes)
    {
        _bytes = bytes;
        _messageLeft = int.MaxValue;
    }

    /// <summary>Set when a read failed for want of bytes.</summary>
    public bool OutOfInput { get; private set; }

    /// <summary>Set when a read failed on bad bytes.</summary>
    public InspectionError Error { get; private set; }

    /// <summary>The offset in the input of the next byte (a record header when the current record is used up).</summary>
    public readonly int Offset => _offset;

    /// <summary>How many bytes of the current message are left to read.</summary>
    public readonly int MessageLeft => _messageLeft;

    /// <summary>From now on, reads may take at most <paramref name="length"/> more bytes; one past that is malformed.</summary>
    public void Limit(int length) => _messageLeft = length;

    public bool TryRead(out byte value)
    {
        value = 0;
        if (!Consume(1) || !EnterRecord())
        {
            return false;
        }

        if (_offset == _bytes.Length)
        {
            OutOfInput = true;
            return false;
        }

        value = _bytes[_offset++];
        _recordLeft--;
        return true;
    }

    public bool TryReadUInt16(out int value)
    {
        value = 0;
        if (!TryRead(out byte high) || !TryRead(out byte low))
        {
            return false;
        }

        value = (high << 8) | low;
        return true;
    }

    public bool TryReadUInt24(out int value)
    {
        value = 0;
        if (!TryRead(out byte high) || !TryReadUInt16(out int low))
        {
            return false;
        }

        value = (high << 16) | low;
        return true;
    }

    public bool TrySkip(int count)
    {
        if (!Consume(count))
        {
            return false;
        }

        while (count > 0)
        {
            if (!EnterRecord())
            {
                return false;
            }

            int available = Math.Min(Math.Min(count, _recordLeft), _bytes.Length - _offset);
            if (available == 0)
            {
                OutOfInput = true;
                return false;
            }

            _offset += available;
            _recordLeft -= available;
            count -= available;
        }

        return true;
    }

    /// <summary>Where a value of <paramref name="length"/> bytes starting here lies: its first byte's offset and the bytes before a record header.</summary>
    public bool TryMark(int length, out ValueMark mark)
    {
        mark = default;
        if (length > 0 && !EnterRecord())
        {
            return false;
        }

        mark = new ValueMark(_offset, Math.Min(length, _recordLeft), length);
        return true;
    }

    // Counts bytes against the message's length (a field that overruns its message is malformed).
    private bool Consume(int count)
    {
        if (count > _messageLeft)
        {
            Error = InspectionError.TlsMalformedHello;
            return false;
        }

        _messageLeft -= count;
        return true;
    }

    // When the current record is used up, reads and checks the next record's header; says as soon as its
    // first bytes are wrong, before the whole header is in.
    private bool EnterRecord()
    {
        if (_recordLeft > 0)
        {
            return true;
        }

        ReadOnlySpan<byte> header = _bytes[_offset..];
        if (header.Length >= 1 && header[0] != Tls.HandshakeRecord)
        {
            Error = InspectionError.TlsNotHandshakeRecord;
            return false;
        }

        if ((header.Length >= 2 && header[1] != Tls.MajorVersion) || (header.Length >= 3 && header[2] > Tls.MaxRecordMinorVersion))
        {
            Error = InspectionError.TlsBadRecordVersion;
            return false;
        }

        if (header.Length < Tls.RecordHeaderLength)
        {
            OutOfInput = true;
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
        if (length is 0 or > Tls.MaxFragmentLength)
        {
            Error = InspectionError.TlsBadRecordLength;
            return false;
        }

        _offset += Tls.RecordHeaderLength;
        _recordLeft = length;
        return true;
    }

    /// <summary>A value's place in the input, taken before reading past it: see <see cref="InspectedBytes"/>.</summary>
    public readonly record struct ValueMark(int WireStart, int FirstRun, int Length);
}
