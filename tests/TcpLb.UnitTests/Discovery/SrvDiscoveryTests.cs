using System.Net;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Discovery;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Discovery;

/// <summary>SRV discovery: ports and weights from the records, tiers from their priorities.</summary>
public sealed class SrvDiscoveryTests
{
    private static readonly DnsDiscoveryOptions s_routers = new()
    {
        Name = "_router._tcp.routers.service.consul",
        Srv = true,
        Interval = TimeSpan.FromSeconds(30),
        Template = new BackendOptions { Address = new DnsEndPoint("replaced.invalid", 1), Weight = 99, MaxConnections = 50 },
    };

    [Fact]
    public async Task Srv_records_become_backends_on_their_own_ports_with_their_weights()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerSrv(
            Srv("a.node.consul.", port: 8081, priority: 1, weight: 5, "10.0.0.1"),
            Srv("b.node.consul.", port: 8082, priority: 1, weight: 20, "10.0.0.2", "10.0.0.3"));

        await dns.StartAsync(deadline.Token);

        Assert.Equal(["10.0.0.1:8081", "10.0.0.2:8082", "10.0.0.3:8082"], dns.Members);
        Assert.Equal([5, 20, 20], dns.Pool.Current.Primaries.Backends.Select(backend => backend.Weight));
        Assert.All(dns.Pool.Current.Primaries.Backends, backend => Assert.Equal(50, backend.Options.MaxConnections)); // the rest from the template
        Assert.Empty(dns.Pool.Current.Backups.Backends);
    }

    [Fact]
    public async Task Only_the_lowest_srv_priority_present_is_primary_and_every_higher_one_is_backup()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerSrv(
            Srv("c.node.consul.", port: 8080, priority: 30, weight: 1, "10.0.0.3"),
            Srv("a.node.consul.", port: 8080, priority: 10, weight: 1, "10.0.0.1"),
            Srv("b.node.consul.", port: 8080, priority: 20, weight: 1, "10.0.0.2"));

        await dns.StartAsync(deadline.Token);

        Assert.Equal(["10.0.0.1:8080"], dns.Pool.Current.Primaries.Backends.Select(backend => backend.Name));
        Assert.Equal(["10.0.0.2:8080", "10.0.0.3:8080"], dns.Pool.Current.Backups.Backends.Select(backend => backend.Name));
        Assert.Equal("10.0.0.1:8080", dns.Pool.Choose(new BalancingContext())?.Name);

        dns.Member("10.0.0.1:8080").SetCheckedUp(false);
        Assert.Equal("10.0.0.2:8080", dns.Pool.Choose(new BalancingContext())?.Name); // backups take over together
    }

    [Fact]
    public async Task A_priority_whose_targets_have_no_addresses_does_not_make_the_others_backups()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerSrv(
            Srv("gone.node.consul.", port: 8080, priority: 1, weight: 1),
            Srv("b.node.consul.", port: 8080, priority: 2, weight: 1, "10.0.0.2"));

        await dns.StartAsync(deadline.Token);

        Assert.Equal(["10.0.0.2:8080"], dns.Pool.Current.Primaries.Backends.Select(backend => backend.Name));
        Assert.Empty(dns.Pool.Current.Backups.Backends);
    }

    [Fact]
    public async Task Srv_weights_outside_1_to_256_are_clamped()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerSrv(
            Srv("a.node.consul.", port: 8080, priority: 1, weight: 0, "10.0.0.1"),
            Srv("b.node.consul.", port: 8080, priority: 1, weight: 65535, "10.0.0.2"));

        await dns.StartAsync(deadline.Token);

        Assert.Equal([1, 256], dns.Pool.Current.Primaries.Backends.Select(backend => backend.Weight));
    }

    [Fact]
    public async Task A_template_marked_backup_makes_every_srv_backend_a_backup()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers with { Template = s_routers.Template! with { Backup = true } });
        dns.AnswerSrv(Srv("a.node.consul.", port: 8080, priority: 1, weight: 1, "10.0.0.1"));

        await dns.StartAsync(deadline.Token);

        Assert.Empty(dns.Pool.Current.Primaries.Backends);
        Assert.Equal(["10.0.0.1:8080"], dns.Pool.Current.Backups.Backends.Select(backend => backend.Name));
    }

    [Fact]
    public async Task A_changed_srv_weight_keeps_the_backend_with_its_health_and_connections()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerSrv(Srv("a.node.consul.", port: 8080, priority: 1, weight: 5, "10.0.0.1"));
        await dns.StartAsync(deadline.Token);
        var old = dns.Member("10.0.0.1:8080");
        old.ConnectionOpened();

        dns.AnswerSrv(Srv("a.node.consul.", port: 8080, priority: 1, weight: 10, "10.0.0.1"));
        dns.AdvanceOneInterval();

        Assert.Same(old, Assert.Single(dns.Pool.Current.Primaries.Backends)); // the address is the backend's identity
        Assert.Equal(10, old.Weight);
        Assert.False(old.IsDraining);
        Assert.Equal(1, old.ActiveConnections);
    }

    private static SrvTarget Srv(string host, int port, int priority, int weight, params string[] addresses) =>
        new(host, port, priority, weight, [.. addresses.Select(IPAddress.Parse)]);
}
