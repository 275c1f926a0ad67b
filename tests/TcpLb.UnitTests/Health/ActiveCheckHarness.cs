using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Health;
using TcpLb.Model;
using TcpLb.Testing;

namespace TcpLb.UnitTests.Health;

/// <summary>
/// An <see cref="ActiveHealthChecker"/> over a pool of made-up backends, on a <see cref="FakeTimeProvider"/>, with a
/// substitute probe that records every call (backend, fake time, whether the backend was up at that moment).
/// </summary>
internal sealed class ActiveCheckHarness : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;
    private readonly ConcurrentDictionary<BackendState, HealthProbeResult> _verdicts = new();

    public ActiveCheckHarness(HealthCheckOptions options, int backends = 1, PassiveHealthMonitor? passive = null, int seed = 42, FakeTimeProvider? time = null)
    {
        Options = options;
        Time = time ?? new FakeTimeProvider();
        _loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        Pool = new Pool("web", Substitute.For<ILoadBalancingPolicy>(), Enumerable.Range(0, backends).Select(BackendOptionsFor), Time);
        Respond = (backend, _) => Task.FromResult(_verdicts.GetValueOrDefault(backend, HealthProbeResult.Pass("HTTP 200")));
        Probe.ProbeAsync(Arg.Any<BackendState>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            BackendState backend = call.Arg<BackendState>();
            Calls.Enqueue(new ProbeCall(backend, Time.GetUtcNow(), backend.IsCheckedUp));
            return Respond(backend, call.Arg<CancellationToken>());
        });
        Checker = new ActiveHealthChecker(Pool, options, Probe, Time, _loggers.CreateLogger("TcpLb.Health"), new Random(seed), passive);
        Checker.StateChanged += (backend, up, reason) => Transitions.Enqueue((backend, up, reason));
    }

    public HealthCheckOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public IHealthProbe Probe { get; } = Substitute.For<IHealthProbe>();

    public Pool Pool { get; }

    public ActiveHealthChecker Checker { get; }

    public ConcurrentQueue<ProbeCall> Calls { get; } = new();

    public ConcurrentQueue<(BackendState Backend, bool Up, string Reason)> Transitions { get; } = new();

    /// <summary>What the probe does when called; by default it answers the verdict set with <see cref="SetVerdict"/> (pass).</summary>
    public Func<BackendState, CancellationToken, Task<HealthProbeResult>> Respond { get; set; }

    public BackendState this[int index] => Pool.All[index];

    public static BackendOptions BackendOptionsFor(int index) => new() { Address = new IPEndPoint(IPAddress.Loopback, 10_000 + index) };

    public void SetVerdict(BackendState backend, bool healthy, string reason) =>
        _verdicts[backend] = healthy ? HealthProbeResult.Pass(reason) : HealthProbeResult.Fail(reason);

    public ProbeCall[] CallsTo(BackendState backend) => [.. Calls.Where(call => call.Backend == backend)];

    public IEnumerable<(LogLevel Level, int EventId, string Message)> LogLines(int eventId) => Logs.Lines.Where(line => line.EventId == eventId);

    /// <summary>
    /// Moves fake time forward in steps (10 ms unless given) until <paramref name="backend"/> was probed <paramref name="count"/>
    /// times in all (bounded). FakeTimeProvider runs a timer at the end of the step it falls due in, so a recorded call
    /// time is exact to the step.
    /// </summary>
    public async Task AdvanceUntilProbedAsync(BackendState backend, int count, CancellationToken cancellationToken, TimeSpan? stepSize = null)
    {
        TimeSpan step = stepSize ?? TimeSpan.FromMilliseconds(10);
        long steps = (long)(Options.Interval * (1 + Options.Jitter) * (count + 2) / step);
        for (long i = 0; i < steps && CallsTo(backend).Length < count; i++)
        {
            Time.Advance(step);
            if (i % 50 == 0)
            {
                await Task.Yield(); // let a check whose continuation did not run inline finish and schedule the next
            }
        }

        await TcpLbUnderTest.WaitUntilAsync(() => CallsTo(backend).Length >= count, $"{backend} was probed {count} times", cancellationToken);
    }

    /// <summary>Moves fake time forward by <paramref name="intervals"/> whole intervals (with jitter's worst case), in 10 ms steps.</summary>
    public void AdvanceIntervals(int intervals)
    {
        TimeSpan step = TimeSpan.FromMilliseconds(10);
        long steps = (long)(Options.Interval * (1 + Options.Jitter) * intervals / step);
        for (long i = 0; i < steps; i++)
        {
            Time.Advance(step);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Checker.DisposeAsync();
        _loggers.Dispose();
    }

    internal sealed record ProbeCall(BackendState Backend, DateTimeOffset At, bool WasUp);
}
