using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace TcpLb.Tlvs;

/// <summary>
/// One connection's id: the UNIQUE_ID TLV's value and the access log's <c>id</c> field, so a router's log line
/// and TcpLb's can be joined. A random per-process prefix (unique across restarts and across processes) and
/// a per-process sequence number, held by value. Its text form is also what goes on the wire: 16 hex digits,
/// a dash, 16 hex digits (33 ASCII bytes, well within the spec's 128), so a router that logs the TLV as text
/// (HAProxy's <c>%[fc_pp_unique_id]</c>) prints exactly what TcpLb's access log prints.
/// </summary>
internal readonly struct ConnectionId : IEquatable<ConnectionId>, ISpanFormattable, IUtf8SpanFormattable
{
    /// <summary>The length of the text form, in characters and in UTF-8 bytes.</summary>
    public const int TextLength = 33;

    public ConnectionId(ulong process, ulong sequence)
    {
        Process = process;
        Sequence = sequence;
    }

    /// <summary>The process's random prefix.</summary>
    public ulong Process { get; }

    /// <summary>The connection's number within the process, from 1.</summary>
    public ulong Sequence { get; }

    /// <summary>True for the default id (no connection).</summary>
    public bool IsEmpty => Process == 0 && Sequence == 0;

    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        bytesWritten = 0;
        if (utf8Destination.Length < TextLength
            || !Process.TryFormat(utf8Destination, out _, "x16", CultureInfo.InvariantCulture)
            || !Sequence.TryFormat(utf8Destination[17..], out _, "x16", CultureInfo.InvariantCulture))
        {
            return false;
        }

        utf8Destination[16] = (byte)'-';
        bytesWritten = TextLength;
        return true;
    }

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        Span<byte> utf8 = stackalloc byte[TextLength];
        charsWritten = 0;
        return TryFormat(utf8, out _) && System.Text.Ascii.ToUtf16(utf8, destination, out charsWritten) == System.Buffers.OperationStatus.Done;
    }

    /// <summary>The text form, e.g. <c>3f9a0c2e71d4b855-000000000000002a</c> (allocates).</summary>
    public override string ToString() => string.Create(TextLength, this, static (chars, id) => id.TryFormat(chars, out _));

    public string ToString([StringSyntax(StringSyntaxAttribute.NumericFormat)] string? format, IFormatProvider? formatProvider) => ToString();

    public bool Equals(ConnectionId other) => Process == other.Process && Sequence == other.Sequence;

    public override bool Equals(object? obj) => obj is ConnectionId other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Process, Sequence);

    public static bool operator ==(ConnectionId left, ConnectionId right) => left.Equals(right);

    public static bool operator !=(ConnectionId left, ConnectionId right) => !left.Equals(right);
}
