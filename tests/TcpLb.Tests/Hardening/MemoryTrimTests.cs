using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Hosting;
using Xunit;

namespace TcpLb.Tests.Hardening;

/// <summary>
/// RSS did not come back after a load: nothing allocates once the connections close, so no collection comes.
/// <see cref="MemoryTrim"/> collects once the load has fallen; the RSS it gives back is measured end to end with the
/// bench harness (the issue 10 report), these tests pin when it collects.
/// </summary>
public sealed class MemoryTrimTests
{
    private readonly FakeTimeProvider _time = new();
    private int _open;
    private long _committed = 100L << 20;
    private int _collections;

    [Fact]
    public async Task A_load_that_fell_to_half_is_trimmed_once_and_a_steady_or_rising_one_never()
    {
        using MemoryTrim trim = await StartAsync();

        Tick(2000);
        Tick(2000);
        Tick(2100);
        Assert.Equal(0, _collections); // steady or rising: nothing to give back

        Tick(900);
        Assert.Equal(1, _collections); // fell below half of 2100

        Tick(900);
        Tick(0);
        Assert.Equal(2, _collections); // 900 -> 0 is a fall of 900 past the last trim

        Tick(0);
        Tick(0);
        Assert.Equal(2, _collections); // quiet: never collected twice for nothing
    }

    [Fact]
    public async Task A_small_fall_is_not_worth_a_full_collection()
    {
        using MemoryTrim trim = await StartAsync();

        Tick(MemoryTrim.MinimumDrop - 1);
        Tick(0);

        Assert.Equal(0, _collections);
    }

    [Fact]
    public async Task A_burst_between_two_looks_is_seen_by_the_heap_it_left_behind()
    {
        using MemoryTrim trim = await StartAsync();

        Tick(10);
        _committed += MemoryTrim.HeapGrowth; // thousands of connections came and went between two looks
        Tick(12);
        Assert.Equal(0, _collections); // still rising: the load may be back

        Tick(10);
        Assert.Equal(1, _collections);
    }

    private async Task<MemoryTrim> StartAsync()
    {
        var trim = new MemoryTrim(() => _open, _time, NullLogger.Instance, () => _committed, () => _collections++);
        await trim.StartAsync(TestContext.Current.CancellationToken);
        return trim;
    }

    private void Tick(int open)
    {
        _open = open;
        _time.Advance(MemoryTrim.Interval);
    }
}
