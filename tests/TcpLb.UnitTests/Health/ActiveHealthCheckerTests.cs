using Microsoft.Extensions.Logging;
using TcpLb.Configuration;
using TcpLb.Health;
using TcpLb.Model;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Health;

/// <summary>The rise/fall state machine and the check schedule, on fake time with a substitute probe.</summary>
public sealed class ActiveHealthCheckerTests
{
    private static readonly HealthCheckOptions s_checks = new()
    {
        Kind = HealthCheckKind.Http,
        Interval = TimeSpan.FromSeconds(2),
        Timeout = TimeSpan.FromSeconds(1),
        Rise = 2,
        Fall = 3,
        Jitter = 0,
    };

    [Fact]
    public async Task Fall_failed_checks_in_a_row_take_a_backend_down_and_Fall_minus_1_do_not()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using var harness = new ActiveCheckHarness(s_checks);
        BackendState backend = harness[0];
        harness.SetVerdict(backend, healthy: false, "connect refused");
        harness.Checker.Start();

        await harness.AdvanceUntilProbedAsync(backend, s_checks.Fall, deadline.Token);
        await TcpLbUnderTest.WaitUntilAsync(() => !backend.IsCheckedUp, "the backend is down", deadline.Token);

        ActiveCheckHarness.ProbeCall[] calls = harness.CallsTo(backend);
        Assert.Equal(s_checks.Fall, calls.Length);
        Assert.All(calls, call => Assert.True(call.WasUp, "down before the Fall-th failure")); // the Fall-th check still found it up
        Assert.False(backend.IsAvailable);
    }

    [Fact]
    public async Task A_passed_check_between_failures_starts_the_fall_count_over()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using var harness = new ActiveCheckHarness(s_checks);
        BackendState backend = harness[0];
        int call = 0;
        bool[] verdicts = [false, false, true, false, false, false]; // 2 failures, a pass, then 3 failures
        harness.Respond = (_, _) => Task.FromResult(verdicts[Math.Min(call++, verdicts.Length - 1)] ? HealthProbeResult.Pass("HTTP 200") : HealthProbeResult.Fail("HTTP 503"));
        harness.Checker.Start();

        await harness.AdvanceUntilProbedAsync(backend, 6, deadline.Token);
        await TcpLbUnderTest.WaitUntilAsync(() => !backend.IsCheckedUp, "the backend is down", deadline.Token);

        Assert.Equal([true, true, true, true, true, true], harness.CallsTo(backend).Select(c => c.WasUp));
    }

    [Fact]
    public async Task Rise_passed_checks_in_a_row_bring_a_down_backend_up_and_Rise_minus_1_do_not()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using var harness = new ActiveCheckHarness(s_checks with { Rise = 3 });
        BackendState backend = harness[0];
        harness.SetVerdict(backend, healthy: false, "HTTP 503");
        harness.Checker.Start();
        await harness.AdvanceUntilProbedAsync(backend, s_checks.Fall, deadline.Token);
        await TcpLbUnderTest.WaitUntilAsync(() => !backend.IsCheckedUp, "the backend is down", deadline.Token);

        harness.SetVerdict(backend, healthy: true, "HTTP 200");
        await harness.AdvanceUntilProbedAsync(backend, s_checks.Fall + 3, deadline.Token);
        await TcpLbUnderTest.WaitUntilAsync(() => backend.IsCheckedUp, "the backend is up", deadline.Token);

        ActiveCheckHarness.ProbeCall[] rising = harness.CallsTo(backend)[s_checks.Fall..];
        Assert.Equal([false, false, false], rising.Select(call => call.WasUp)); // the 3rd pass still found it down
        Assert.True(backend.IsAvailable);
    }

    [Fact]
    public async Task Each_transition_logs_exactly_one_line_and_raises_StateChanged_once_with_the_reason()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using var harness = new ActiveCheckHarness(s_checks);
        BackendState backend = harness[0];
        harness.SetVerdict(backend, healthy: false, "connect refused");
        harness.Checker.Start();

        // Down, then failing on well past Fall; up, then passing on well past Rise.
        await harness.AdvanceUntilProbedAsync(backend, s_checks.Fall + 4, deadline.Token);
        harness.SetVerdict(backend, healthy: true, "HTTP 200");
        await harness.AdvanceUntilProbedAsync(backend, s_checks.Fall + 4 + s_checks.Rise + 4, deadline.Token);
        await TcpLbUnderTest.WaitUntilAsync(() => harness.Transitions.Count == 2, "two transitions", deadline.Token);
        harness.AdvanceIntervals(2);

        Assert.Equal([(backend, false, "connect refused"), (backend, true, "HTTP 200")], harness.Transitions);
        var down = Assert.Single(harness.LogLines(300));
        Assert.Equal(LogLevel.Warning, down.Level);
        Assert.Equal("Backend 127.0.0.1:10000 of pool web is DOWN: 3 checks failed in a row, the last: connect refused", down.Message);
        var up = Assert.Single(harness.LogLines(301));
        Assert.Equal(LogLevel.Information, up.Level);
        Assert.Equal("Backend 127.0.0.1:10000 of pool web is UP: 2 checks passed in a row, the last: HTTP 200", up.Message);
    }

    [Fact]
    public async Task Check_intervals_are_jittered_within_interval_times_one_plus_or_minus_jitter()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        HealthCheckOptions jittered = s_checks with { Jitter = 0.1 };
        await using var harness = new ActiveCheckHarness(jittered, seed: 7);
        BackendState backend = harness[0];
        harness.Checker.Start();

        await harness.AdvanceUntilProbedAsync(backend, 31, deadline.Token, stepSize: TimeSpan.FromMilliseconds(1));

        double[] gaps = [.. harness.CallsTo(backend).Zip(harness.CallsTo(backend).Skip(1), (a, b) => (b.At - a.At).TotalSeconds)];
        Assert.Equal(30, gaps.Length);
        Assert.All(gaps, gap => Assert.InRange(gap, 1.8, 2.2));
        Assert.True(gaps.Min() < 1.9 && gaps.Max() > 2.1, $"the draws do not spread over the range: {string.Join(", ", gaps)}");
        Assert.True(gaps.Distinct().Count() > 20, $"the draws repeat: {string.Join(", ", gaps)}");
    }

    [Fact]
    public async Task The_first_checks_of_a_pool_are_spread_over_one_interval()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using var harness = new ActiveCheckHarness(s_checks, backends: 8);
        DateTimeOffset start = harness.Time.GetUtcNow();
        harness.Checker.Start();

        foreach (BackendState backend in harness.Pool.All)
        {
            await harness.AdvanceUntilProbedAsync(backend, 1, deadline.Token);
        }

        DateTimeOffset[] firsts = [.. harness.Pool.All.Select(backend => harness.CallsTo(backend)[0].At)];
        Assert.All(firsts, first => Assert.InRange(first - start, TimeSpan.Zero, s_checks.Interval));
        Assert.True(firsts.Distinct().Count() > 4, "the first checks fire together");
    }

    [Fact]
    public async Task A_check_in_flight_is_never_joined_by_a_second_one_for_the_same_backend()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using var harness = new ActiveCheckHarness(s_checks);
        BackendState backend = harness[0];
        var slow = new TaskCompletionSource<HealthProbeResult>(); // completes inline: the next check is scheduled before SetResult returns
        harness.Respond = (_, _) => slow.Task;
        harness.Checker.Start();
        await harness.AdvanceUntilProbedAsync(backend, 1, deadline.Token);

        harness.AdvanceIntervals(5);
        Assert.Single(harness.CallsTo(backend));

        harness.Respond = (_, _) => Task.FromResult(HealthProbeResult.Pass("HTTP 200"));
        slow.SetResult(HealthProbeResult.Pass("HTTP 200"));
        await harness.AdvanceUntilProbedAsync(backend, 2, deadline.Token); // overdue: the next check comes at once
    }

    [Fact]
    public async Task A_probe_that_throws_counts_as_a_failed_check_and_the_checks_go_on()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using var harness = new ActiveCheckHarness(s_checks);
        BackendState backend = harness[0];
        harness.Respond = (_, _) => throw new InvalidOperationException("bug in a probe");
        harness.Checker.Start();

        await harness.AdvanceUntilProbedAsync(backend, s_checks.Fall + 2, deadline.Token);

        Assert.False(backend.IsCheckedUp);
        Assert.Equal((backend, false, "probe error: InvalidOperationException"), Assert.Single(harness.Transitions));
        Assert.True(harness.LogLines(304).Count() >= s_checks.Fall);
    }

    [Fact]
    public async Task A_StateChanged_listener_that_throws_is_logged_and_the_checks_go_on()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using var harness = new ActiveCheckHarness(s_checks);
        BackendState backend = harness[0];
        harness.Checker.StateChanged += (_, _, _) => throw new InvalidOperationException("bug in a listener");
        harness.SetVerdict(backend, healthy: false, "HTTP 500");
        harness.Checker.Start();

        await harness.AdvanceUntilProbedAsync(backend, s_checks.Fall + 2, deadline.Token);

        Assert.Single(harness.LogLines(305));
        Assert.Single(harness.Transitions);
    }

    [Fact]
    public async Task A_backend_added_to_the_pool_later_is_checked_from_the_next_round()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using var harness = new ActiveCheckHarness(s_checks);
        harness.Checker.Start();
        await harness.AdvanceUntilProbedAsync(harness[0], 1, deadline.Token);

        harness.Pool.SetBackends([ActiveCheckHarness.BackendOptionsFor(0), ActiveCheckHarness.BackendOptionsFor(1)]);
        BackendState added = harness.Pool.All[1];
        harness.SetVerdict(added, healthy: false, "connect refused");
        await harness.AdvanceUntilProbedAsync(added, s_checks.Fall, deadline.Token);

        await TcpLbUnderTest.WaitUntilAsync(() => !added.IsCheckedUp, "the added backend is down", deadline.Token);
        Assert.Contains(added, harness.Checker.CheckedBackends);
    }

    [Fact]
    public async Task A_removed_backend_is_checked_while_it_drains_and_no_more_once_it_is_gone()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using var harness = new ActiveCheckHarness(s_checks, backends: 2);
        BackendState kept = harness[0];
        BackendState removed = harness[1];
        harness.Checker.Start();
        await harness.AdvanceUntilProbedAsync(removed, 1, deadline.Token);

        // Removed with a connection open: it drains, and is still checked.
        removed.ConnectionOpened();
        harness.Pool.SetBackends([ActiveCheckHarness.BackendOptionsFor(0)]);
        int before = harness.CallsTo(removed).Length;
        await harness.AdvanceUntilProbedAsync(removed, before + 3, deadline.Token);

        // Its last connection closes and the pool forgets it: one round later the checks stop.
        removed.ConnectionClosed();
        harness.Pool.PruneDrained();
        harness.AdvanceIntervals(1);
        await TcpLbUnderTest.WaitUntilAsync(() => !harness.Checker.CheckedBackends.Contains(removed), "the checker dropped the removed backend", deadline.Token);
        int last = harness.CallsTo(removed).Length;
        int keptBefore = harness.CallsTo(kept).Length;
        await harness.AdvanceUntilProbedAsync(kept, keptBefore + 5, deadline.Token);

        Assert.Equal(last, harness.CallsTo(removed).Length);
        Assert.Equal([kept], harness.Checker.CheckedBackends);
    }

    [Fact]
    public async Task Refresh_picks_up_a_new_backend_without_waiting_for_the_round()
    {
        await using var harness = new ActiveCheckHarness(s_checks with { Interval = TimeSpan.FromMinutes(1) });
        harness.Checker.Start();

        harness.Pool.SetBackends([ActiveCheckHarness.BackendOptionsFor(0), ActiveCheckHarness.BackendOptionsFor(1)]);
        harness.Checker.Refresh();

        Assert.Equal(2, harness.Checker.CheckedBackends.Count);
    }

    [Fact]
    public async Task StopAsync_cancels_the_check_in_flight_and_no_check_runs_after_it()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using var harness = new ActiveCheckHarness(s_checks);
        BackendState backend = harness[0];
        bool cancelled = false;
        harness.Respond = async (_, cancellationToken) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                throw;
            }

            return HealthProbeResult.Pass("never");
        };
        harness.Checker.Start();
        await harness.AdvanceUntilProbedAsync(backend, 1, deadline.Token);

        await harness.Checker.StopAsync().WaitAsync(deadline.Token);
        harness.AdvanceIntervals(5);

        Assert.True(cancelled);
        Assert.Single(harness.CallsTo(backend));
        Assert.Empty(harness.Checker.CheckedBackends);
        Assert.True(backend.IsCheckedUp); // a cancelled check is no verdict
    }
}
