using FsCheck.Xunit;
using TcpLb.Transport.Linux;
using Xunit;

namespace TcpLb.UnitTests.Transport.Linux;

/// <summary>
/// The event loop's timer wheel against a plain model (a map of deadlines): whatever the schedule, cancel and
/// advance sequence, every timer fires exactly once, never before its deadline and never later than the first
/// advance that reaches it; and the wheel never asks the loop to sleep past the earliest deadline.
/// </summary>
public sealed class LoopTimerWheelTests
{
    [Property(MaxTest = 300)]
    public void Timers_fire_once_at_their_deadline_whatever_the_sequence(byte[] operations)
    {
        var wheel = new LoopTimerWheel(now: 1_000);
        var timers = Enumerable.Range(0, 16).Select(i => new RecordingTarget(i) { Wheel = wheel }).ToArray();
        var model = new Dictionary<RecordingTarget, long>();
        long now = 1_000;

        for (int i = 0; i + 2 < operations.Length; i += 3)
        {
            RecordingTarget target = timers[operations[i + 1] % timers.Length];
            long amount = Spread(operations[i + 2]);
            switch (operations[i] % 4)
            {
                case 0:
                case 1:
                    wheel.Schedule(target, now + amount - 8); // a few already due
                    target.ScheduledAt = now;
                    model[target] = now + amount - 8;
                    break;
                case 2:
                    wheel.Cancel(target);
                    model.Remove(target);
                    break;
                default:
                    AssertNeverSleepsPastADeadline(wheel, model, now);
                    now += amount;
                    wheel.Advance(now);
                    AssertFiredExactlyTheDue(timers, model, now);
                    break;
            }

            Assert.Equal(model.Count, wheel.Count);
        }

        now += 1L << 40; // far past every horizon
        wheel.Advance(now);
        AssertFiredExactlyTheDue(timers, model, now);
        Assert.Equal(0, wheel.Count);
        Assert.Equal(-1, wheel.NextWake());
    }

    [Fact]
    public void A_timer_two_hours_out_fires_then_and_not_before()
    {
        var wheel = new LoopTimerWheel(now: 0);
        var target = new RecordingTarget(0) { Wheel = wheel };
        long due = (long)TimeSpan.FromHours(2).TotalMilliseconds + 7;
        wheel.Schedule(target, due);

        wheel.Advance(due - 1);
        Assert.Empty(target.Fired);

        wheel.Advance(due);
        Assert.Equal([due], target.Fired);
    }

    [Fact]
    public void A_timer_may_reschedule_itself_while_it_fires()
    {
        var wheel = new LoopTimerWheel(now: 0);
        var target = new RecordingTarget(0) { RescheduleBy = 100, Wheel = wheel };
        wheel.Schedule(target, 100);

        wheel.Advance(350);

        Assert.Equal([100L, 200L, 300L], target.Fired);
        Assert.Equal(1, wheel.Count);
    }

    // Deadlines from 1 ms to about 30 hours, most of them short (as connection timers are).
    private static long Spread(byte value) => (value % 4) switch
    {
        0 => value,
        1 => value * 37L,
        2 => value * 4_093L,
        _ => value * 421_337L,
    };

    private static void AssertNeverSleepsPastADeadline(LoopTimerWheel wheel, Dictionary<RecordingTarget, long> model, long now)
    {
        long wake = wheel.NextWake();
        if (model.Count == 0)
        {
            Assert.Equal(-1, wake);
            return;
        }

        long earliest = model.Values.Min();
        Assert.InRange(wake, 0, Math.Max(0, earliest - now));
    }

    private static void AssertFiredExactlyTheDue(RecordingTarget[] timers, Dictionary<RecordingTarget, long> model, long now)
    {
        foreach (RecordingTarget target in timers)
        {
            bool due = model.TryGetValue(target, out long deadline) && deadline <= now;
            if (due)
            {
                long fired = Assert.Single(target.Fired);
                Assert.True(fired >= deadline || fired == target.ScheduledAt, $"timer {target.Id} fired at {fired}, before its deadline {deadline}");
                model.Remove(target);
            }
            else
            {
                Assert.Empty(target.Fired);
            }

            target.Fired.Clear();
        }
    }

    private sealed class RecordingTarget(int id) : LoopTarget
    {
        public int Id { get; } = id;

        public List<long> Fired { get; } = [];

        /// <summary>The wheel's time when the timer was last scheduled: one scheduled already due fires at the next advance.</summary>
        public long ScheduledAt { get; set; } = long.MinValue;

        public required LoopTimerWheel Wheel { get; init; }

        public long RescheduleBy { get; set; }

        public override void OnEvents(int fd, uint events)
        {
        }

        public override void OnTimer()
        {
            long now = Wheel.Now;
            Fired.Add(now);
            if (RescheduleBy > 0)
            {
                Wheel.Schedule(this, now + RescheduleBy);
            }
        }

        public override void OnFault(Exception exception)
        {
        }
    }
}
