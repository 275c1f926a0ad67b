using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Configuration;
using TcpLb.Health;
using TcpLb.Model;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Health;

/// <summary>Outlier ejection on fake time: what counts, what resets, how long, and how it ends.</summary>
public sealed class PassiveHealthMonitorTests : IDisposable
{
    private static readonly PassiveHealthOptions s_passive = new()
    {
        ConsecutiveFailures = 3,
        Window = TimeSpan.FromSeconds(30),
        BaseEjection = TimeSpan.FromSeconds(10),
        MaxEjection = TimeSpan.FromSeconds(50),
    };

    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;
    private readonly BackendState _backend;

    public PassiveHealthMonitorTests()
    {
        _loggers = LoggerFactory.Create(builder => builder.AddProvider(_logs));
        _backend = new BackendState(new BackendOptions { Address = new IPEndPoint(IPAddress.Loopback, 10_000) }, _time);
    }

    [Fact]
    public void N_consecutive_failures_eject_the_backend_and_N_minus_1_do_not()
    {
        PassiveHealthMonitor monitor = NewMonitor();

        Fail(monitor, s_passive.ConsecutiveFailures - 1);
        Assert.False(_backend.IsEjected);

        monitor.ReportConnectFailure(_backend);
        Assert.True(_backend.IsEjected);
        Assert.False(_backend.IsAvailable);
    }

    [Fact]
    public void Connect_failures_and_resets_count_together()
    {
        PassiveHealthMonitor monitor = NewMonitor();

        monitor.ReportConnectFailure(_backend);
        monitor.ReportReset(_backend);
        Assert.False(_backend.IsEjected);
        monitor.ReportReset(_backend);

        Assert.True(_backend.IsEjected);
        Assert.Contains("the last: Reset", Assert.Single(EjectionLines()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_success_in_between_starts_the_count_over()
    {
        PassiveHealthMonitor monitor = NewMonitor();

        Fail(monitor, s_passive.ConsecutiveFailures - 1);
        monitor.ReportSuccess(_backend);
        Fail(monitor, s_passive.ConsecutiveFailures - 1);
        Assert.False(_backend.IsEjected);

        monitor.ReportConnectFailure(_backend);
        Assert.True(_backend.IsEjected);
    }

    [Fact]
    public void Failures_further_apart_than_the_window_do_not_add_up()
    {
        PassiveHealthMonitor monitor = NewMonitor();

        for (int i = 0; i < 5; i++)
        {
            monitor.ReportConnectFailure(_backend);
            _time.Advance(s_passive.Window + TimeSpan.FromMilliseconds(1));
        }

        Assert.False(_backend.IsEjected);

        // Within the window of each other they do, even spread over more than one window in all.
        for (int i = 0; i < s_passive.ConsecutiveFailures; i++)
        {
            _time.Advance(s_passive.Window);
            monitor.ReportConnectFailure(_backend);
        }

        Assert.True(_backend.IsEjected);
    }

    [Fact]
    public void The_ejection_length_doubles_with_each_ejection_in_a_row_and_caps_at_MaxEjection()
    {
        PassiveHealthMonitor monitor = NewMonitor();
        var lengths = new List<TimeSpan>();
        monitor.Ejected += (_, length, _) => lengths.Add(length);

        for (int ejection = 0; ejection < 5; ejection++)
        {
            Fail(monitor, s_passive.ConsecutiveFailures);
            _time.Advance(lengths[^1]); // ran out, and no success since
        }

        Assert.Equal([10, 20, 40, 50, 50], lengths.Select(length => length.TotalSeconds));
        Assert.Equal(
            "Backend 127.0.0.1:10000 of pool web ejected for 40 s after 3 failures in a row (the last: ConnectFailure); ejection 3 in a row",
            EjectionLines()[2].Message);
    }

    [Fact]
    public void The_back_off_starts_over_once_the_backend_succeeds_after_its_ejection()
    {
        PassiveHealthMonitor monitor = NewMonitor();
        var lengths = new List<TimeSpan>();
        monitor.Ejected += (_, length, _) => lengths.Add(length);
        Fail(monitor, s_passive.ConsecutiveFailures);
        _time.Advance(lengths[^1]);
        Fail(monitor, s_passive.ConsecutiveFailures);
        _time.Advance(lengths[^1]);

        monitor.ReportSuccess(_backend);
        Fail(monitor, s_passive.ConsecutiveFailures);

        Assert.Equal([10, 20, 10], lengths.Select(length => length.TotalSeconds));
    }

    [Fact]
    public void A_success_during_the_ejection_does_not_reset_the_back_off()
    {
        PassiveHealthMonitor monitor = NewMonitor();
        var lengths = new List<TimeSpan>();
        monitor.Ejected += (_, length, _) => lengths.Add(length);
        Fail(monitor, s_passive.ConsecutiveFailures);

        monitor.ReportSuccess(_backend); // a connect dialled before the ejection, completing during it
        _time.Advance(lengths[^1]);
        Fail(monitor, s_passive.ConsecutiveFailures);

        Assert.Equal([10, 20], lengths.Select(length => length.TotalSeconds));
    }

    [Fact]
    public void An_ejection_ends_when_its_time_runs_out()
    {
        PassiveHealthMonitor monitor = NewMonitor();
        Fail(monitor, s_passive.ConsecutiveFailures);

        _time.Advance(s_passive.BaseEjection - TimeSpan.FromMilliseconds(1));
        Assert.True(_backend.IsEjected);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(_backend.IsEjected);
        Assert.True(_backend.IsAvailable);
    }

    [Fact]
    public void Failures_reported_while_ejected_neither_lengthen_the_ejection_nor_count_afterwards()
    {
        PassiveHealthMonitor monitor = NewMonitor();
        Fail(monitor, s_passive.ConsecutiveFailures);

        Fail(monitor, 10); // connections opened before the ejection, failing during it
        _time.Advance(s_passive.BaseEjection);

        Assert.False(_backend.IsEjected);
        Assert.Single(EjectionLines());
        Fail(monitor, s_passive.ConsecutiveFailures - 1);
        Assert.False(_backend.IsEjected);
    }

    [Fact]
    public void Each_ejection_logs_one_warning_with_its_count_and_length()
    {
        PassiveHealthMonitor monitor = NewMonitor();

        Fail(monitor, s_passive.ConsecutiveFailures);

        var line = Assert.Single(_logs.Lines);
        Assert.Equal((LogLevel.Warning, 302), (line.Level, line.EventId));
        Assert.Equal("Backend 127.0.0.1:10000 of pool web ejected for 10 s after 3 failures in a row (the last: ConnectFailure); ejection 1 in a row", line.Message);
    }

    [Fact]
    public void Reinstate_ends_the_ejection_early_logs_it_and_keeps_the_back_off()
    {
        PassiveHealthMonitor monitor = NewMonitor();
        var lengths = new List<TimeSpan>();
        monitor.Ejected += (_, length, _) => lengths.Add(length);
        Fail(monitor, s_passive.ConsecutiveFailures);

        Assert.True(monitor.Reinstate(_backend, "HTTP 200"));
        Assert.False(_backend.IsEjected);
        Assert.False(monitor.Reinstate(_backend, "HTTP 200"));
        Fail(monitor, s_passive.ConsecutiveFailures);

        Assert.Equal([10, 20], lengths.Select(length => length.TotalSeconds));
        var reinstated = Assert.Single(_logs.Lines, line => line.EventId == 303);
        Assert.Equal("Backend 127.0.0.1:10000 of pool web reinstated before its ejection ran out: an active check passed (HTTP 200)", reinstated.Message);
    }

    [Fact]
    public async Task A_passing_active_check_ends_the_ejection_early_and_a_failing_one_does_not()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        var checks = new HealthCheckOptions { Kind = HealthCheckKind.Tcp, Interval = TimeSpan.FromSeconds(2), Jitter = 0 };
        var passive = s_passive with { BaseEjection = TimeSpan.FromMinutes(1), MaxEjection = TimeSpan.FromMinutes(5) };
        var monitor = new PassiveHealthMonitor("web", passive, _time, _loggers.CreateLogger("TcpLb.Health"));
        await using var harness = new ActiveCheckHarness(checks, passive: monitor, time: _time);
        BackendState backend = harness[0];
        harness.SetVerdict(backend, healthy: false, "HTTP 503");
        harness.Checker.Start();
        for (int i = 0; i < passive.ConsecutiveFailures; i++)
        {
            monitor.ReportReset(backend);
        }

        Assert.True(backend.IsEjected);
        DateTimeOffset ejectedAt = _time.GetUtcNow();
        await harness.AdvanceUntilProbedAsync(backend, 2, deadline.Token);
        Assert.True(backend.IsEjected);

        harness.SetVerdict(backend, healthy: true, "HTTP 200");
        await harness.AdvanceUntilProbedAsync(backend, 3, deadline.Token);
        await TcpLbUnderTest.WaitUntilAsync(() => !backend.IsEjected, "the ejection is lifted", deadline.Token);
        Assert.Single(_logs.Lines, line => line.EventId == 303);
        Assert.True(_time.GetUtcNow() - ejectedAt < passive.BaseEjection, "the ejection ran out by itself");
    }

    [Fact]
    public void ConsecutiveFailures_0_disables_passive_checks()
    {
        PassiveHealthMonitor monitor = NewMonitor(s_passive with { ConsecutiveFailures = 0 });

        Fail(monitor, 100);

        Assert.False(monitor.IsEnabled);
        Assert.False(_backend.IsEjected);
        Assert.Empty(_logs.Lines);
    }

    [Fact]
    public async Task Concurrent_failure_reports_from_many_connections_eject_exactly_once()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        PassiveHealthMonitor monitor = NewMonitor(s_passive with { ConsecutiveFailures = 50 });
        int ejections = 0;
        monitor.Ejected += (_, _, _) => Interlocked.Increment(ref ejections);
        using var go = new ManualResetEventSlim();

        Task[] connections = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            go.Wait(deadline.Token);
            for (int i = 0; i < 100; i++)
            {
                monitor.ReportReset(_backend);
            }
        }, deadline.Token))];
        go.Set();
        await Task.WhenAll(connections).WaitAsync(deadline.Token);

        // 800 failures, 50 eject; the clock stands still, and an ejected backend takes no more failures.
        Assert.Equal(1, ejections);
        Assert.Single(EjectionLines());
        Assert.True(_backend.IsEjected);
    }

    [Fact]
    public void Reporting_a_success_allocates_nothing()
    {
        PassiveHealthMonitor monitor = NewMonitor();
        monitor.ReportSuccess(_backend); // a backend never failed: no state at all
        monitor.ReportConnectFailure(_backend);
        monitor.ReportSuccess(_backend); // warm: state exists, now clear

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            monitor.ReportSuccess(_backend);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    public void Dispose() => _loggers.Dispose();

    private PassiveHealthMonitor NewMonitor(PassiveHealthOptions? options = null) =>
        new("web", options ?? s_passive, _time, _loggers.CreateLogger("TcpLb.Health"));

    private void Fail(PassiveHealthMonitor monitor, int count)
    {
        for (int i = 0; i < count; i++)
        {
            monitor.ReportConnectFailure(_backend);
        }
    }

    private List<(LogLevel Level, int EventId, string Message)> EjectionLines() => [.. _logs.Lines.Where(line => line.EventId == 302)];
}
