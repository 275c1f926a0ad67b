using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using TcpLb.Tlvs;
using Xunit;

namespace TcpLb.UnitTests.Diagnostics;

/// <summary>An access line written straight to UTF-8 reads as the logger message it replaced, for every client address.</summary>
public sealed class AccessLineTests
{
    private static readonly ConnectionId s_id = new(0x74b3a8225ab13302, 0x21f4f);

    [Theory]
    [InlineData("203.0.113.7", 5555)]
    [InlineData("2001:db8::7", 443)]
    [InlineData("fe80::1%2", 80)]
    [InlineData("::ffff:192.0.2.1", 65535)]
    public void The_line_names_each_field_as_the_template_does(string address, int port)
    {
        var client = new IPEndPoint(IPAddress.Parse(address), port);
        var line = new AccessLine(client, "0.0.0.0:80", "web", "10.0.0.1:8080", s_id, 700, 1200, 35, "--", "completed");

        string expected = $"client={client} listener=0.0.0.0:80 pool=web backend=10.0.0.1:8080 id={s_id} bytes_up=700 bytes_down=1200 duration_ms=35 termination=-- reason=completed";
        Assert.Equal(expected, line.ToString());
        byte[] utf8 = new byte[512];
        Assert.True(line.TryWriteUtf8(utf8, out int written));
        Assert.Equal(expected, Encoding.UTF8.GetString(utf8, 0, written));
    }

    [Fact]
    public void The_named_values_are_the_templates_with_numbers_as_numbers()
    {
        var line = new AccessLine(new IPEndPoint(IPAddress.Loopback, 1), "l", "p", "b", s_id, 5, 6, 7, "CD", "client_reset");

        Assert.Equal(["Client", "Listener", "Pool", "Backend", "Id", "BytesUp", "BytesDown", "DurationMs", "Termination", "Reason", "{OriginalFormat}"], line.Select(value => value.Key));
        Assert.Equal(5L, line.Single(value => value.Key == "BytesUp").Value);
        Assert.Equal("127.0.0.1:1", line[0].Value);
        Assert.Equal(AccessLine.Template, line[^1].Value);
    }

    [Fact]
    public void A_line_longer_than_the_writers_first_guess_is_written_whole()
    {
        var line = new AccessLine(new IPEndPoint(IPAddress.Loopback, 1), "l", new string('p', 700), "b", s_id, 5, 6, 7, "--", "completed");

        Assert.Equal($"2026-03-04T05:06:07.089 info: TcpLb.Access[110] {line}\n", WritePlain(line));
    }

    [Fact]
    public void A_line_past_the_writers_bound_is_left_out_not_cut()
    {
        var line = new AccessLine(new IPEndPoint(IPAddress.Loopback, 1), "l", new string('p', 70_000), "b", s_id, 5, 6, 7, "--", "completed");

        Assert.Equal(string.Empty, WritePlain(line));
    }

    // What the access log's own writer puts out for one line, on a clock at 05:06:07.089 UTC.
    private static string WritePlain(AccessLine line)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, 89, TimeSpan.Zero));
        using var output = new MemoryStream();
        using (var provider = new AccessLogProvider(new BatchedLineWriter(output, TimeSpan.FromSeconds(1), time), LogFormat.Plain, time))
        {
            AccessLog.Closed(provider.CreateLogger(AccessLog.Category), line);
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }
}
