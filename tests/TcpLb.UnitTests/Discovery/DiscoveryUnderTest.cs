using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Discovery;
using TcpLb.Model;
using TcpLb.Testing;

namespace TcpLb.UnitTests.Discovery;

/// <summary>
/// A pool with DNS discovery on a fake clock, its resolver a substitute whose next answer the test sets.
/// Substitute answers are completed tasks, so a round triggered by <see cref="Advance"/> has finished when
/// it returns.
/// </summary>
internal sealed class DiscoveryUnderTest : IAsyncDisposable
{
    public static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(10);

    private readonly ILoggerFactory _loggers;
    private Func<CancellationToken, Task<IReadOnlyList<IPAddress>>> _addresses = _ => Task.FromResult<IReadOnlyList<IPAddress>>([]);
    private Func<CancellationToken, Task<IReadOnlyList<SrvTarget>>> _srv = _ => Task.FromResult<IReadOnlyList<SrvTarget>>([]);

    public DiscoveryUnderTest(DnsDiscoveryOptions options, params BackendOptions[] staticBackends)
    {
        Options = options;
        Resolver.ResolveAddressesAsync(options.Name, Arg.Any<CancellationToken>()).Returns(call => _addresses(call.Arg<CancellationToken>()));
        Resolver.ResolveSrvAsync(options.Name, Arg.Any<CancellationToken>()).Returns(call => _srv(call.Arg<CancellationToken>()));
        _loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        Pool = new Pool("routers", new FirstEligiblePolicy(), staticBackends, Time);
        Discovery = new DnsDiscovery(options, staticBackends, Pool, Resolver, Time, _loggers.CreateLogger<DnsDiscovery>(), ResolveTimeout);
    }

    public DnsDiscoveryOptions Options { get; }

    public FakeTimeProvider Time { get; } = new();

    public IDnsResolver Resolver { get; } = Substitute.For<IDnsResolver>();

    public CapturingLoggerProvider Logs { get; } = new();

    public Pool Pool { get; }

    public DnsDiscovery Discovery { get; }

    /// <summary>Current primaries then backups, as "address:port" strings in pool order.</summary>
    public IReadOnlyList<string> Members => [.. Pool.Current.Primaries.Backends.Concat(Pool.Current.Backups.Backends).Select(backend => backend.Name)];

    public IReadOnlyList<(LogLevel Level, int EventId, string Message)> DiscoveryLines => [.. Logs.Lines.Where(line => line.EventId is >= 400 and < 500)];

    public BackendState Member(string endPoint) => Pool.All.Single(backend => backend.Name == endPoint);

    /// <summary>Every A/AAAA lookup from now on returns <paramref name="addresses"/> (empty: the name has none).</summary>
    public void AnswerAddresses(params string[] addresses) =>
        _addresses = _ => Task.FromResult<IReadOnlyList<IPAddress>>([.. addresses.Select(IPAddress.Parse)]);

    /// <summary>Every SRV lookup from now on returns <paramref name="records"/>.</summary>
    public void AnswerSrv(params SrvTarget[] records) => _srv = _ => Task.FromResult<IReadOnlyList<SrvTarget>>(records);

    /// <summary>Every lookup from now on fails as DNS failures do (SERVFAIL).</summary>
    public void FailWith(Exception exception)
    {
        _addresses = _ => Task.FromException<IReadOnlyList<IPAddress>>(exception);
        _srv = _ => Task.FromException<IReadOnlyList<SrvTarget>>(exception);
    }

    /// <summary>
    /// Every lookup from now on waits until cancelled: a name server that never answers. The lookup ends on the
    /// cancelling thread (no async continuation), so a round abandoned by <see cref="Advance"/> has ended when it returns.
    /// </summary>
    public void NeverAnswer()
    {
        _addresses = WaitForCancellation<IReadOnlyList<IPAddress>>;
        _srv = WaitForCancellation<IReadOnlyList<SrvTarget>>;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Discovery.StartAsync(cancellationToken);

    public void Advance(TimeSpan by) => Time.Advance(by);

    public void AdvanceOneInterval() => Time.Advance(Options.Interval);

    private static Task<T> WaitForCancellation<T>(CancellationToken cancellationToken)
    {
        var lookup = new TaskCompletionSource<T>();
        cancellationToken.Register(() => lookup.TrySetCanceled(cancellationToken));
        return lookup.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await Discovery.DisposeAsync();
        _loggers.Dispose();
        Logs.Dispose();
    }
}
