using System.Net;
using TcpLb.Discovery;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Discovery;

/// <summary><see cref="DnsClientResolver"/> against <see cref="TestZoneNameServer"/>, a name server on a loopback port.</summary>
public sealed class DnsClientResolverTests
{
    [Fact]
    public async Task Resolves_A_records_and_SRV_records_with_glue_or_a_follow_up_query_from_a_loopback_name_server()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        using var nameServer = new TestZoneNameServer();
        var resolver = new DnsClientResolver([nameServer.EndPoint]);

        IReadOnlyList<IPAddress> addresses = await resolver.ResolveAddressesAsync("routers.test", deadline.Token);
        IReadOnlyList<SrvTarget> records = await resolver.ResolveSrvAsync("_router._tcp.routers.test", deadline.Token);

        Assert.Equal([IPAddress.Parse("127.0.0.11"), IPAddress.Parse("127.0.0.12")], addresses);
        Assert.Collection(
            records,
            a =>
            {
                Assert.Equal(("a.routers.test.", 8081, 10, 5), (a.Host, a.Port, a.Priority, a.Weight));
                Assert.Equal([IPAddress.Parse("127.0.0.21")], a.Addresses);
            },
            b =>
            {
                Assert.Equal(("b.routers.test.", 8082, 20, 1), (b.Host, b.Port, b.Priority, b.Weight));
                Assert.Equal([IPAddress.Parse("127.0.0.22")], b.Addresses);
            });
        Assert.DoesNotContain(nameServer.Questions, question => question.StartsWith("a.routers.test.", StringComparison.Ordinal)); // glue used
        Assert.Contains("b.routers.test. A", nameServer.Questions);
    }

    [Fact]
    public async Task Servfail_is_a_resolution_failure_and_nxdomain_an_empty_answer()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(5));
        using var nameServer = new TestZoneNameServer();
        var resolver = new DnsClientResolver([nameServer.EndPoint]);

        await Assert.ThrowsAsync<DnsResolutionException>(() => resolver.ResolveAddressesAsync("broken.test", deadline.Token));
        Assert.Empty(await resolver.ResolveAddressesAsync("missing.test", deadline.Token));
        Assert.Empty(await resolver.ResolveSrvAsync("_router._tcp.missing.test", deadline.Token));
    }
}
