using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Forwarding;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Hardening;

/// <summary>
/// Every refused connection used to write one warning line: a flood of bad headers was a log flood. Now each reason
/// writes at most one line per interval, and the next line after it says how many were left out.
/// </summary>
public sealed class RefusalLogTests : IDisposable
{
    private static readonly IPEndPoint s_peer = IPEndPoint.Parse("127.0.0.9:40000");
    private static readonly TimeSpan s_interval = RefusalLog.DefaultInterval;
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLoggerProvider _lines = new();
    private readonly ILoggerFactory _loggers;
    private readonly RefusalLog _log;

    public RefusalLogTests()
    {
        _loggers = LoggerFactory.Create(builder => builder.AddProvider(_lines));
        _log = new RefusalLog(_loggers.CreateLogger("TcpLb"), _time);
    }

    public void Dispose() => _loggers.Dispose();

    [Fact]
    public void A_flood_of_one_reason_writes_one_line_per_interval_and_then_how_many_were_left_out()
    {
        for (int i = 0; i < 1000; i++)
        {
            _log.InvalidProxyHeader(s_peer, "rule 3: the source port is not a decimal integer 0..65535");
            _time.Advance(TimeSpan.FromMilliseconds(5)); // 1000 in 5 s: all inside one interval
        }

        Assert.Equal([102], _lines.Lines.Select(line => line.EventId));

        _time.Advance(s_interval);
        _log.InvalidProxyHeader(s_peer, "rule 3: the source port is not a decimal integer 0..65535");

        Assert.Equal([102, 107, 102], _lines.Lines.Select(line => line.EventId));
        Assert.Equal(
            "999 more refused connections (rule 3: the source port is not a decimal integer 0..65535) were not logged, at most one line per reason every 10 s",
            _lines.Lines[1].Message);
        Assert.Equal(LogLevel.Warning, _lines.Lines[1].Level);
    }

    [Fact]
    public void Each_reason_has_its_own_interval()
    {
        for (int i = 0; i < 3; i++)
        {
            _log.InvalidProxyHeader(s_peer, "rule 7: the version nibble is not 2");
            _log.InvalidProxyHeader(s_peer, "rule 5: no CRLF within the first 107 bytes");
            _log.ProxyHeaderTimeout(s_peer, 10);
            _log.UntrustedSource(s_peer);
            _log.NoBackend(s_peer, CloseReason.NoBackend);
            _log.ConnectFailed(s_peer, IPEndPoint.Parse("127.0.0.1:1"), "ConnectionRefused");
            _log.ConnectFailed(s_peer, IPEndPoint.Parse("127.0.0.1:2"), "ConnectionRefused");
        }

        Assert.Equal([102, 102, 103, 104, 101, 100, 100], _lines.Lines.Select(line => line.EventId));
    }

    [Fact]
    public void A_reason_that_stays_quiet_for_an_interval_logs_its_next_line_without_a_count()
    {
        _log.UntrustedSource(s_peer);
        _time.Advance(s_interval);
        _log.UntrustedSource(s_peer);
        _time.Advance(s_interval - TimeSpan.FromTicks(1));
        _log.UntrustedSource(s_peer); // inside the interval: counted
        _time.Advance(TimeSpan.FromTicks(1));
        _log.UntrustedSource(s_peer);

        Assert.Equal([104, 104, 107, 104], _lines.Lines.Select(line => line.EventId));
        Assert.StartsWith("1 more refused connections (untrusted source)", _lines.Lines[2].Message, StringComparison.Ordinal);
    }
}
