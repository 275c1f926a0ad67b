using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using TcpLb.Discovery;
using TcpLb.Health;
using TcpLb.Model;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Hardening;

/// <summary>
/// A static backend whose host name does not resolve used to pass for healthy (<c>/ready</c> 200, each client refused).
/// <see cref="NameResolutionCheck"/> resolves such names as the dial will and marks the backend unresolved until it does.
/// </summary>
public sealed class UnresolvedBackendTests
{
    [Fact]
    public async Task A_name_that_does_not_resolve_is_unresolved_not_chosen_and_back_once_it_resolves()
    {
        var time = new FakeTimeProvider();
        var named = new BackendOptions { Address = new DnsEndPoint("router.example", 80) };
        var address = new BackendOptions { Address = IPEndPoint.Parse("127.0.0.1:80"), Backup = true };
        var pool = new Pool("routers", new RoundRobinPolicy(new Random(1)), [named, address], time);
        IHostResolver resolver = Substitute.For<IHostResolver>();
        resolver.ResolveAsync("router.example", Arg.Any<CancellationToken>()).ThrowsAsync(new SocketException((int)SocketError.HostNotFound));
        await using var check = new NameResolutionCheck(() => [pool], resolver, time, NullLogger.Instance);

        await check.StartAsync(TestContext.Current.CancellationToken);

        BackendState backend = pool.All.Single(b => b.Address is DnsEndPoint);
        Assert.Equal("no such host", backend.ResolutionFailure);
        Assert.Equal(BackendStatus.Unresolved, BackendStatus.Of(backend));
        Assert.False(backend.IsHealthy);
        Assert.False(backend.IsAvailable);
        Assert.Equal(address.Address, pool.Choose(new BalancingContext { Timestamp = time.GetTimestamp() })!.Address); // the backup takes over
        await resolver.DidNotReceive().ResolveAsync(Arg.Is<string>(host => host != "router.example"), Arg.Any<CancellationToken>());

        resolver.ResolveAsync("router.example", Arg.Any<CancellationToken>()).Returns([IPAddress.Loopback]);
        time.Advance(NameResolutionCheck.Interval);
        await TcpLbUnderTest.WaitUntilAsync(() => backend.ResolutionFailure is null, "the next round finds the name", TestContext.Current.CancellationToken);

        Assert.Equal(BackendStatus.Up, BackendStatus.Of(backend));
        Assert.Same(backend, pool.Choose(new BalancingContext { Timestamp = time.GetTimestamp() }));
    }

    [Fact]
    public async Task A_resolver_that_never_answers_counts_as_not_resolving_after_the_timeout()
    {
        var time = new FakeTimeProvider();
        var pool = new Pool("routers", new RoundRobinPolicy(new Random(1)), [new BackendOptions { Address = new DnsEndPoint("slow.example", 80) }], time);
        IHostResolver resolver = Substitute.For<IHostResolver>();
        resolver.ResolveAsync("slow.example", Arg.Any<CancellationToken>())
            .Returns(call => Task.Delay(Timeout.Infinite, call.Arg<CancellationToken>()).ContinueWith<IPAddress[]>(_ => throw new OperationCanceledException(), TaskScheduler.Default));
        await using var check = new NameResolutionCheck(() => [pool], resolver, time, NullLogger.Instance);

        Task start = check.StartAsync(TestContext.Current.CancellationToken);
        Assert.False(start.IsCompleted);
        time.Advance(NameResolutionCheck.ResolveTimeout);
        await start.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal("no answer within 5 s", pool.All.Single().ResolutionFailure);
    }

    [Fact]
    public async Task A_real_tcplb_with_a_backend_that_does_not_resolve_is_not_ready_and_says_why()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = Tcplb.Start(["run", .. Tcplb.AnyAdminPort, "--listen", $"127.0.0.1:{port}", "--backend", "no-such-router.invalid:80"]);
        Uri admin = await Tcplb.WaitForAdminAsync(tcplb, cancellationToken);
        using var http = new HttpClient();

        // The name is checked at start (RFC 2606: .invalid never resolves); bounded by the check's timeout.
        string ready = string.Empty;
        await TcpLbUnderTest.WaitUntilAsync(() => (ready = GetBody(http, new Uri(admin, "/ready"), cancellationToken)).Contains("does not resolve", StringComparison.Ordinal),
            "/ready names the backend that does not resolve", cancellationToken);
        using (HttpResponseMessage response = await http.GetAsync(new Uri(admin, "/ready"), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Assert.Contains("has no healthy backend (no-such-router.invalid:80 does not resolve", ready, StringComparison.Ordinal);
        using JsonDocument status = JsonDocument.Parse(await http.GetStringAsync(new Uri(admin, "/status"), cancellationToken));
        JsonElement backend = status.RootElement.GetProperty("listeners")[0].GetProperty("pool").GetProperty("backends")[0];
        Assert.Equal("no-such-router.invalid:80", backend.GetProperty("name").GetString());
        Assert.Equal("unresolved", backend.GetProperty("state").GetString());
        Assert.False(backend.GetProperty("healthy").GetBoolean());
    }

    private static string GetBody(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = http.GetAsync(uri, cancellationToken).GetAwaiter().GetResult();
        return response.Content.ReadAsStringAsync(cancellationToken).GetAwaiter().GetResult();
    }
}
