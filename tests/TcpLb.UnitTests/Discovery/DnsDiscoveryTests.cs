using System.Net;
using Microsoft.Extensions.Logging;
using NSubstitute;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Discovery;
using TcpLb.Model;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Discovery;

/// <summary>A/AAAA discovery driving a real <see cref="Pool"/>: a substitute resolver, a fake clock.</summary>
public sealed class DnsDiscoveryTests
{
    private static readonly DnsDiscoveryOptions s_routers = new()
    {
        Name = "routers.test",
        Port = 8080,
        Interval = TimeSpan.FromSeconds(30),
        Template = new BackendOptions
        {
            Address = new DnsEndPoint("replaced.invalid", 1),
            Weight = 7,
            SlowStart = TimeSpan.FromSeconds(5),
            MaxConnections = 100,
        },
    };

    private static readonly BackendOptions s_staticRouter = new() { Address = IPEndPoint.Parse("10.0.9.9:9000"), Weight = 3 };

    [Fact]
    public async Task Start_makes_the_resolved_addresses_members_with_the_template_settings()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerAddresses("10.0.0.2", "10.0.0.1", "fd00::1");

        await dns.StartAsync(deadline.Token);

        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080", "[fd00::1]:8080"], dns.Members);
        Assert.All(dns.Pool.Current.Primaries.Backends, backend =>
        {
            Assert.Equal(7, backend.Options.Weight);
            Assert.Equal(TimeSpan.FromSeconds(5), backend.Options.SlowStart);
            Assert.Equal(100, backend.Options.MaxConnections);
            Assert.False(backend.IsBackup);
        });
    }

    [Fact]
    public async Task An_added_address_joins_and_unchanged_members_keep_their_state_and_connections()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerAddresses("10.0.0.1");
        await dns.StartAsync(deadline.Token);
        BackendState kept = dns.Member("10.0.0.1:8080");
        kept.ConnectionOpened();

        dns.AnswerAddresses("10.0.0.1", "10.0.0.2");
        dns.AdvanceOneInterval();

        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], dns.Members);
        Assert.Same(kept, dns.Member("10.0.0.1:8080"));
        Assert.Equal(1, kept.ActiveConnections);
        Assert.False(kept.IsDraining);
    }

    [Fact]
    public async Task A_removed_address_drains_while_it_has_connections_and_is_pruned_the_round_after_the_last_one_closes()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerAddresses("10.0.0.1", "10.0.0.2");
        await dns.StartAsync(deadline.Token);
        BackendState kept = dns.Member("10.0.0.1:8080");
        BackendState leaving = dns.Member("10.0.0.2:8080");
        leaving.ConnectionOpened();

        dns.AnswerAddresses("10.0.0.1");
        dns.AdvanceOneInterval();

        Assert.Equal(["10.0.0.1:8080"], dns.Members);
        Assert.True(leaving.IsDraining);
        Assert.Equal(1, leaving.ActiveConnections); // its connection goes on: drained, never cut
        Assert.Contains(leaving, dns.Pool.All);
        Assert.Same(kept, dns.Pool.Choose(new TcpLb.Balancing.BalancingContext()));

        dns.AdvanceOneInterval();
        Assert.Contains(leaving, dns.Pool.All); // still has a connection: kept through the next round

        leaving.ConnectionClosed();
        Assert.Contains(leaving, dns.Pool.All); // forgotten by a round, not by the close itself
        dns.AdvanceOneInterval();
        Assert.DoesNotContain(leaving, dns.Pool.All);
        Assert.Same(kept, dns.Member("10.0.0.1:8080"));
    }

    [Fact]
    public async Task Static_backends_stay_members_whatever_DNS_answers()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers, s_staticRouter);
        BackendState staticState = dns.Member("10.0.9.9:9000");
        dns.AnswerAddresses("10.0.0.1");
        await dns.StartAsync(deadline.Token);
        Assert.Equal(["10.0.9.9:9000", "10.0.0.1:8080"], dns.Members);

        dns.AnswerAddresses("10.0.0.2");
        dns.AdvanceOneInterval();
        Assert.Equal(["10.0.9.9:9000", "10.0.0.2:8080"], dns.Members);

        dns.FailWith(new DnsResolutionException("A routers.test: Server Failure"));
        dns.AdvanceOneInterval();
        Assert.Equal(["10.0.9.9:9000", "10.0.0.2:8080"], dns.Members);
        Assert.Same(staticState, dns.Member("10.0.9.9:9000"));
    }

    [Fact]
    public async Task A_discovered_address_that_is_also_a_static_backend_stays_the_static_one()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        BackendOptions staticTwin = new() { Address = IPEndPoint.Parse("10.0.0.1:8080"), Weight = 3 };
        await using var dns = new DiscoveryUnderTest(s_routers, staticTwin);
        dns.AnswerAddresses("10.0.0.1", "10.0.0.2");

        await dns.StartAsync(deadline.Token);

        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], dns.Members);
        Assert.Equal(3, dns.Member("10.0.0.1:8080").Weight);
    }

    [Fact]
    public async Task A_failed_resolution_keeps_the_last_set_and_logs_one_warning()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerAddresses("10.0.0.1", "10.0.0.2");
        await dns.StartAsync(deadline.Token);
        PoolSnapshot before = dns.Pool.Current;

        dns.FailWith(new DnsResolutionException("A routers.test: Server Failure"));
        dns.AdvanceOneInterval();

        Assert.Same(before, dns.Pool.Current);
        Assert.All(dns.Pool.All, backend => Assert.False(backend.IsDraining));
        var warning = Assert.Single(dns.DiscoveryLines, line => line.Level == LogLevel.Warning);
        Assert.Equal(401, warning.EventId);
        Assert.Equal("Pool routers: resolving DNS routers.test failed: A routers.test: Server Failure; keeping the last 2 discovered backends", warning.Message);

        dns.AnswerAddresses("10.0.0.1");
        dns.AdvanceOneInterval();
        Assert.Equal(["10.0.0.1:8080"], dns.Members); // DNS back: its answer applies again
    }

    [Fact]
    public async Task A_resolution_that_never_answers_is_given_up_after_the_resolve_timeout_and_keeps_the_last_set()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerAddresses("10.0.0.1");
        await dns.StartAsync(deadline.Token);

        dns.NeverAnswer();
        dns.AdvanceOneInterval();
        dns.Advance(DiscoveryUnderTest.ResolveTimeout);

        Assert.Equal(["10.0.0.1:8080"], dns.Members);
        Assert.Contains("no answer within 10 s", Assert.Single(dns.DiscoveryLines, line => line.EventId == 401).Message);

        dns.AnswerAddresses("10.0.0.3"); // the next round still comes, one interval after the abandoned one ended
        dns.AdvanceOneInterval();
        Assert.Equal(["10.0.0.3:8080"], dns.Members);
    }

    [Fact]
    public async Task An_empty_answer_keeps_the_last_set_and_logs_it()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerAddresses("10.0.0.1", "10.0.0.2");
        await dns.StartAsync(deadline.Token);
        PoolSnapshot before = dns.Pool.Current;

        dns.AnswerAddresses(); // NOERROR without records, or NXDOMAIN: the seam answers both with an empty list
        dns.AdvanceOneInterval();

        Assert.Same(before, dns.Pool.Current);
        var line = Assert.Single(dns.DiscoveryLines, line => line.Level == LogLevel.Warning);
        Assert.Equal(402, line.EventId);
        Assert.Equal("Pool routers: DNS routers.test answered with no backends; keeping the last 2 discovered backends", line.Message);
    }

    [Fact]
    public async Task Resolves_again_every_interval()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerAddresses("10.0.0.1");
        await dns.StartAsync(deadline.Token);
        await dns.Resolver.Received(1).ResolveAddressesAsync("routers.test", Arg.Any<CancellationToken>());

        dns.Advance(s_routers.Interval - TimeSpan.FromTicks(1));
        await dns.Resolver.Received(1).ResolveAddressesAsync("routers.test", Arg.Any<CancellationToken>());

        dns.Advance(TimeSpan.FromTicks(1));
        await dns.Resolver.Received(2).ResolveAddressesAsync("routers.test", Arg.Any<CancellationToken>());

        // One step per interval: the timer is re-armed from the end of each round, and the fake clock jumps.
        for (int round = 0; round < 3; round++)
        {
            dns.AdvanceOneInterval();
        }

        await dns.Resolver.Received(5).ResolveAddressesAsync("routers.test", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_same_answer_in_another_order_leaves_the_pool_snapshot_untouched()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerAddresses("10.0.0.1", "10.0.0.2");
        await dns.StartAsync(deadline.Token);
        PoolSnapshot before = dns.Pool.Current;

        dns.AnswerAddresses("10.0.0.2", "10.0.0.1"); // DNS servers rotate records
        dns.AdvanceOneInterval();

        Assert.Same(before, dns.Pool.Current); // no new version: policies keep what they derived
        Assert.Single(dns.DiscoveryLines);
    }

    [Fact]
    public async Task A_membership_change_logs_one_information_line_naming_what_joined_and_what_left()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerAddresses("10.0.0.1", "10.0.0.2");
        await dns.StartAsync(deadline.Token);

        dns.AnswerAddresses("10.0.0.2", "10.0.0.3");
        dns.AdvanceOneInterval();

        Assert.Equal(
            [
                (LogLevel.Information, 400, "Pool routers: DNS routers.test changed the members: added [10.0.0.1:8080, 10.0.0.2:8080], removed []; 2 discovered backends"),
                (LogLevel.Information, 400, "Pool routers: DNS routers.test changed the members: added [10.0.0.3:8080], removed [10.0.0.1:8080]; 2 discovered backends"),
            ],
            dns.DiscoveryLines);
    }

    [Fact]
    public async Task Start_waits_no_longer_than_the_resolve_timeout_for_a_silent_DNS_and_later_rounds_fill_the_pool()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers, s_staticRouter);
        dns.NeverAnswer();

        Task start = dns.StartAsync(deadline.Token);
        Assert.False(start.IsCompleted);
        dns.Advance(DiscoveryUnderTest.ResolveTimeout);
        await start.WaitAsync(deadline.Token);

        Assert.Equal(["10.0.9.9:9000"], dns.Members);
        Assert.Equal(401, Assert.Single(dns.DiscoveryLines).EventId);

        dns.AnswerAddresses("10.0.0.1");
        dns.AdvanceOneInterval();
        Assert.Equal(["10.0.9.9:9000", "10.0.0.1:8080"], dns.Members);
    }

    [Fact]
    public async Task Stop_ends_the_rounds_and_leaves_the_members_in_place()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerAddresses("10.0.0.1");
        await dns.StartAsync(deadline.Token);

        await dns.Discovery.StopAsync(deadline.Token);
        dns.AnswerAddresses("10.0.0.2");
        for (int round = 0; round < 5; round++)
        {
            dns.AdvanceOneInterval();
        }

        await dns.Resolver.Received(1).ResolveAddressesAsync("routers.test", Arg.Any<CancellationToken>());
        Assert.Equal(["10.0.0.1:8080"], dns.Members);
    }

    [Fact]
    public async Task Stop_cancels_a_round_in_progress_and_waits_for_it()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        await using var dns = new DiscoveryUnderTest(s_routers);
        dns.AnswerAddresses("10.0.0.1");
        await dns.StartAsync(deadline.Token);
        dns.NeverAnswer();
        dns.AdvanceOneInterval(); // a round now waits on DNS

        await dns.Discovery.StopAsync(deadline.Token);

        Assert.Equal(["10.0.0.1:8080"], dns.Members);
        Assert.DoesNotContain(dns.DiscoveryLines, line => line.Level == LogLevel.Warning); // stopping is not a DNS failure
    }
}
