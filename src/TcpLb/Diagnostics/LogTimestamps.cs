namespace TcpLb.Diagnostics;

/// <summary>The timestamps every log line starts with, the same in every writer of the console.</summary>
internal static class LogTimestamps
{
    /// <summary>Plain lines: local time, as people read it.</summary>
    public const string Plain = "yyyy-MM-ddTHH:mm:ss.fff";

    /// <summary>JSON lines: UTC, as log shippers expect.</summary>
    public const string Json = "yyyy-MM-ddTHH:mm:ss.fffZ";

    /// <summary>The length of a <see cref="Plain"/> timestamp.</summary>
    public const int PlainLength = 23;

    /// <summary>
    /// Writes <paramref name="time"/> as <see cref="Plain"/> in UTF-8 (digits at fixed places): the access log writes
    /// one per connection, and the custom-format parser behind <c>ToString(Plain)</c> cost more than the line's fields.
    /// </summary>
    public static void WritePlain(DateTime time, Span<byte> into)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(into.Length, PlainLength, nameof(into));
        WriteDigits(into[..4], time.Year);
        into[4] = (byte)'-';
        WriteDigits(into.Slice(5, 2), time.Month);
        into[7] = (byte)'-';
        WriteDigits(into.Slice(8, 2), time.Day);
        into[10] = (byte)'T';
        WriteDigits(into.Slice(11, 2), time.Hour);
        into[13] = (byte)':';
        WriteDigits(into.Slice(14, 2), time.Minute);
        into[16] = (byte)':';
        WriteDigits(into.Slice(17, 2), time.Second);
        into[19] = (byte)'.';
        WriteDigits(into.Slice(20, 3), time.Millisecond);
    }

    // The value's last digits, zero-padded to the span's length.
    private static void WriteDigits(Span<byte> into, int value)
    {
        for (int i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
