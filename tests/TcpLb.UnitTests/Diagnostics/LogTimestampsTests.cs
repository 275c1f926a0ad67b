using System.Globalization;
using System.Text;
using TcpLb.Diagnostics;
using Xunit;

namespace TcpLb.UnitTests.Diagnostics;

/// <summary>The access log's hand-written timestamp is exactly what the custom format string gives.</summary>
public sealed class LogTimestampsTests
{
    [Theory]
    [InlineData("0001-01-01T00:00:00.000")]
    [InlineData("0987-06-05T04:03:02.001")]
    [InlineData("2026-11-30T23:59:59.999")]
    [InlineData("9999-12-31T23:59:59.999")]
    public void A_timestamp_is_written_with_every_field_zero_padded(string expected)
    {
        DateTime time = DateTime.ParseExact(expected, LogTimestamps.Plain, CultureInfo.InvariantCulture);

        Assert.Equal(expected, Write(time));
    }

    [Fact]
    public void Any_instant_is_written_as_the_format_string_writes_it()
    {
        var random = new Random(20261130);
        for (int i = 0; i < 1000; i++)
        {
            var time = new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks));

            Assert.Equal(time.ToString(LogTimestamps.Plain, CultureInfo.InvariantCulture), Write(time));
        }
    }

    private static string Write(DateTime time)
    {
        byte[] into = new byte[LogTimestamps.PlainLength];
        LogTimestamps.WritePlain(time, into);
        return Encoding.ASCII.GetString(into);
    }
}
