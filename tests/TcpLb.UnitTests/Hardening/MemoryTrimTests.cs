using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Hosting;
using Xunit;

namespace TcpLb.UnitTests.Hardening;

/// <summary>
/// RSS did not come back after a load: nothing allocates once the connections close, so no collection comes.
/// <see cref="MemoryTrim"/> collects once the load has passed; the RSS it gives back is measured end to end with the
/// bench harness (bench/results/hardening-2026-11-30.md), these tests pin when it collects.
/// </summary>
public sealed class MemoryTrimTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly MemoryTrim _trim;
    private int _open;
    private int _collections;

    public MemoryTrimTests()
    {
        _trim = new MemoryTrim(() => _open, _time, NullLogger.Instance, () => 0, () => _collections++);
        _trim.StartAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
    }

    public void Dispose() => _trim.Dispose();

    [Fact]
    public void A_load_that_fell_to_an_eighth_is_trimmed_once_and_a_quiet_process_never_again()
    {
        Tick(2000);
        Tick(2100);
        Tick(900);
        Tick(263);
        Assert.Equal(0, _collections); // still more than an eighth of 2100 open: a collection would stall them

        Tick(200);
        Assert.Equal(1, _collections);

        Tick(200);
        Tick(0);
        Tick(0);
        Assert.Equal(1, _collections); // 200 -> 0 is too small a fall to be worth another
    }

    [Fact]
    public void A_load_that_holds_however_large_is_never_collected()
    {
        for (int i = 0; i < 10; i++)
        {
            Tick(5000 + (i % 2 * 300));
        }

        Assert.Equal(0, _collections);
    }

    [Fact]
    public void A_small_fall_is_not_worth_a_full_collection()
    {
        Tick(MemoryTrim.MinimumDrop - 1);
        Tick(0);

        Assert.Equal(0, _collections);
    }

    private void Tick(int open)
    {
        _open = open;
        _time.Advance(MemoryTrim.Interval);
    }
}
