using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using Xunit;

namespace TcpLb.UnitTests.Diagnostics;

/// <summary>The access log's own writer stamps each line with the clock it is given: local time for plain lines, UTC for JSON.</summary>
public sealed class AccessLogProviderTests
{
    // 05:06:07.089 UTC, on a clock whose local zone is two hours ahead.
    private static readonly DateTimeOffset s_now = new(2026, 3, 4, 5, 6, 7, 89, TimeSpan.Zero);

    [Fact]
    public void A_plain_line_starts_with_the_clocks_local_time()
    {
        string line = WriteOneLine(LogFormat.Plain);

        Assert.Equal("2026-03-04T07:06:07.089 info: TcpLb.Access[110] client=203.0.113.7:5555\n", line);
    }

    [Fact]
    public void A_json_line_carries_the_clocks_utc_time()
    {
        string line = WriteOneLine(LogFormat.Json);

        Assert.Equal("2026-03-04T05:06:07.089Z", JsonDocument.Parse(line).RootElement.GetProperty("Timestamp").GetString());
    }

    private static string WriteOneLine(LogFormat format)
    {
        var time = new FakeTimeProvider(s_now);
        time.SetLocalTimeZone(TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2"));
        using var output = new MemoryStream();
        using (var provider = new AccessLogProvider(new BatchedLineWriter(output, TimeSpan.FromSeconds(1), time), format, time))
        {
            provider.CreateLogger(AccessLog.Category).Log(LogLevel.Information, new EventId(110), "client=203.0.113.7:5555", null, static (state, _) => state);
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }
}
