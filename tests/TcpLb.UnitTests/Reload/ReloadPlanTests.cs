using System.Net;
using TcpLb.Configuration;
using TcpLb.Hosting;
using Xunit;

namespace TcpLb.UnitTests.Reload;

/// <summary>Which running listener a reloaded one is: the one it shares an address with.</summary>
public sealed class ReloadPlanTests
{
    private static ListenerOptions On(params string[] addresses) => new() { Listen = [.. addresses.Select(IPEndPoint.Parse)], Backends = [] };

    [Fact]
    public void Listeners_sharing_an_address_are_the_same_listener_and_the_rest_are_added_or_removed()
    {
        ListenerOptions[] running = [On("127.0.0.1:80"), On("127.0.0.1:81", "127.0.0.1:82"), On("127.0.0.1:83")];
        ListenerOptions[] next = [On("127.0.0.1:82", "127.0.0.1:90"), On("127.0.0.1:91"), On("127.0.0.1:80")];

        ReloadPlan plan = ReloadPlan.Match(running, next);

        Assert.Equal(new Dictionary<int, int> { [0] = 1, [2] = 0 }, plan.Kept);
        Assert.Equal([1], plan.Added);
        Assert.Equal([2], plan.Removed);
    }

    [Fact]
    public void A_running_listener_is_matched_at_most_once()
    {
        ListenerOptions[] running = [On("127.0.0.1:80", "127.0.0.1:81")];
        ListenerOptions[] next = [On("127.0.0.1:80"), On("127.0.0.1:81")];

        ReloadPlan plan = ReloadPlan.Match(running, next);

        Assert.Equal(new Dictionary<int, int> { [0] = 0 }, plan.Kept);
        Assert.Equal([1], plan.Added);
        Assert.Empty(plan.Removed);
    }
}
