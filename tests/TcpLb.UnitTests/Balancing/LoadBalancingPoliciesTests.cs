using TcpLb.Balancing;
using TcpLb.Configuration;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

public sealed class LoadBalancingPoliciesTests
{
    [Theory]
    [MemberData(nameof(PolicyTestPool.AllPolicies), MemberType = typeof(PolicyTestPool))]
    public void Every_listed_name_creates_a_policy_reporting_that_name(string name)
    {
        Assert.True(LoadBalancingPolicies.TryCreate(name, Random.Shared, out ILoadBalancingPolicy? policy));
        Assert.Equal(name, policy.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("leastconn")]
    [InlineData("roundrobin")]
    [InlineData("Round-Robin")]
    [InlineData("least-connections ")]
    public void Unknown_or_differently_spelled_names_are_rejected(string name)
    {
        Assert.False(LoadBalancingPolicies.TryCreate(name, Random.Shared, out ILoadBalancingPolicy? policy));
        Assert.Null(policy);
    }

    [Fact]
    public void The_default_is_least_connections_and_is_listed()
    {
        Assert.Equal("least-connections", BalancingPolicyNames.Default);
        Assert.Contains(BalancingPolicyNames.Default, BalancingPolicyNames.All);
        Assert.Equal(["least-connections", "round-robin", "power-of-two", "random", "source-hash"], BalancingPolicyNames.All);
    }

    [Fact]
    public void Each_creation_is_a_new_policy_so_pools_do_not_share_tables_or_counters()
    {
        Assert.True(LoadBalancingPolicies.TryCreate(BalancingPolicyNames.RoundRobin, Random.Shared, out ILoadBalancingPolicy? first));
        Assert.True(LoadBalancingPolicies.TryCreate(BalancingPolicyNames.RoundRobin, Random.Shared, out ILoadBalancingPolicy? second));
        Assert.NotSame(first, second);
    }
}
