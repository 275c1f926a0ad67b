using System.Net;
using Microsoft.Extensions.Logging;
using TcpLb.Balancing;
using TcpLb.Configuration;

namespace TcpLb.Discovery;

/// <summary>
/// Keeps one pool's members in step with DNS: resolves <see cref="DnsDiscoveryOptions.Name"/> every
/// <see cref="DnsDiscoveryOptions.Interval"/> and makes the static backends plus the discovered ones the
/// pool's members, so added addresses join and removed ones drain (never cut).
/// <para>
/// DNS trouble never empties the pool. A failed round (exception, SERVFAIL, no answer within the
/// resolve timeout) keeps the last discovered set and logs one warning. An empty answer (NOERROR without
/// records, or NXDOMAIN) is treated the same way: it more often means a registry restarting or a name
/// briefly misconfigured than a pool scaled to zero, and in the scale-to-zero case stale members cost only
/// failed dials (which retry and passive health handle) while an emptied pool refuses every client.
/// </para>
/// <para>
/// The pool is only touched when the discovered set changes: every <see cref="Pool.SetBackends"/> makes a
/// new snapshot version, and policies rebuild what they derive from the membership on a new version.
/// </para>
/// </summary>
internal sealed class DnsDiscovery : IAsyncDisposable
{
    /// <summary>The longest one round may take, the first one (awaited by start) included.</summary>
    public static readonly TimeSpan DefaultResolveTimeout = TimeSpan.FromSeconds(10);

    private readonly DnsDiscoveryOptions _options;
    private readonly IReadOnlyList<BackendOptions> _staticBackends;
    private readonly HashSet<EndPoint> _staticAddresses;
    private readonly Pool _pool;
    private readonly IDnsResolver _resolver;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _resolveTimeout;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private Task _round = Task.CompletedTask;
    private bool _started;
    private bool _stopped;

    // The last discovered set; null until DNS first answers with backends. Only rounds touch it, and they never overlap.
    private IReadOnlyList<BackendOptions>? _discovered;

    public DnsDiscovery(
        DnsDiscoveryOptions options,
        IReadOnlyList<BackendOptions> staticBackends,
        Pool pool,
        IDnsResolver resolver,
        TimeProvider time,
        ILogger<DnsDiscovery> logger,
        TimeSpan? resolveTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Interval, TimeSpan.Zero, nameof(options));
        if (!options.Srv)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(options.Port, IPEndPoint.MinPort + 1, nameof(options));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort, nameof(options));
        }

        _options = options;
        _staticBackends = staticBackends;
        _staticAddresses = [.. staticBackends.Select(backend => backend.Address)];
        _pool = pool;
        _resolver = resolver;
        _time = time;
        _logger = logger;
        _resolveTimeout = resolveTimeout ?? DefaultResolveTimeout;
    }

    /// <summary>
    /// Resolves once (bounded by the resolve timeout, so a silent DNS delays start by that much at most)
    /// so the pool has its members before the listener accepts, then resolves every interval.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_started || _stopped)
            {
                throw new InvalidOperationException($"DNS discovery for pool {_pool.Name} was already started.");
            }

            _started = true;
        }

        using (var startOrStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token))
        {
            try
            {
                await RunRoundAsync(startOrStop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return; // stopped while starting
            }
        }

        lock (_gate)
        {
            if (!_stopped)
            {
                // The timer must not carry the starter's execution context (its scopes, its cancellation) for the pool's life.
                using (ExecutionContext.SuppressFlow())
                {
                    _timer = _time.CreateTimer(OnTimer, null, _options.Interval, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    /// <summary>Stops resolving: cancels a round in progress and waits for it. The pool keeps its members.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task round;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            _timer?.Dispose();
            round = _round;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await round.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void OnTimer(object? state)
    {
        // Held while the round runs synchronously (it may complete inline), so StopAsync sees every round it must wait for.
        lock (_gate)
        {
            if (!_stopped)
            {
                _round = RunScheduledRoundAsync();
            }
        }
    }

    private async Task RunScheduledRoundAsync()
    {
        try
        {
            await RunRoundAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }

        // One-shot timer re-armed after each round: a slow DNS delays the next round instead of stacking rounds.
        lock (_gate)
        {
            if (!_stopped)
            {
                _timer?.Change(_options.Interval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>One round: resolve, apply a changed answer, prune drained backends. Throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    private async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<BackendOptions> answer;
            using (var timeout = new CancellationTokenSource(_resolveTimeout, _time))
            using (var roundOrTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    answer = await ResolveAsync(roundOrTimeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    DiscoveryLog.ResolutionFailed(_logger, _pool.Name, _options.Name, $"no answer within {_resolveTimeout.TotalSeconds} s", KeptCount);
                    return;
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Any failure, expected (DnsResolutionException) or not: DNS must never take the pool down.
                    DiscoveryLog.ResolutionFailed(_logger, _pool.Name, _options.Name, exception.Message, KeptCount);
                    return;
                }
            }

            if (answer.Count == 0)
            {
                DiscoveryLog.EmptyAnswer(_logger, _pool.Name, _options.Name, KeptCount);
                return;
            }

            Apply(answer);
        }
        finally
        {
            // Draining backends whose last connection closed since the last round are forgotten, whatever DNS said.
            _pool.PruneDrained();
        }
    }

    private int KeptCount => _discovered?.Count ?? 0;

    private async Task<IReadOnlyList<BackendOptions>> ResolveAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_options.Srv)
        {
            IReadOnlyList<SrvTarget> records = await _resolver.ResolveSrvAsync(_options.Name, cancellationToken).ConfigureAwait(false);
            return DiscoveredBackends.FromSrv(records, _options.Template);
        }

        IReadOnlyList<IPAddress> addresses = await _resolver.ResolveAddressesAsync(_options.Name, cancellationToken).ConfigureAwait(false);
        return DiscoveredBackends.FromAddresses(addresses, _options.Port, _options.Template);
    }

    private void Apply(IReadOnlyList<BackendOptions> discovered)
    {
        IReadOnlyList<BackendOptions> previous = _discovered ?? [];
        var now = new HashSet<BackendOptions>(discovered);
        if (_discovered is not null && now.SetEquals(previous))
        {
            return;
        }

        // A discovered address that is also a static backend stays the static one (its settings win).
        _pool.SetBackends([.. _staticBackends, .. discovered.Where(backend => !_staticAddresses.Contains(backend.Address))]);
        _discovered = discovered;

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var before = new HashSet<BackendOptions>(previous);
            string added = Describe(discovered.Where(backend => !before.Contains(backend)));
            string removed = Describe(previous.Where(backend => !now.Contains(backend)));
            DiscoveryLog.MembershipChanged(_logger, _pool.Name, _options.Name, added, removed, discovered.Count);
        }
    }

    private static string Describe(IEnumerable<BackendOptions> backends) => string.Join(", ", backends.Select(backend => backend.Address));
}
