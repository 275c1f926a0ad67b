using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TcpLb.Discovery;
using TcpLb.Balancing;
using TcpLb.Model;

namespace TcpLb.Health;

/// <summary>
/// A backend written as a host name is resolved at each dial. One whose name does not resolve (a typo, a Service
/// that is gone) passed for healthy: <c>/ready</c> said 200 and each client was refused. This check resolves every
/// such name at start and every <see cref="Interval"/>, the way the dial will, and marks the backend: unresolved, it
/// is not chosen, not counted for readiness, and shown as <c>unresolved</c> in <c>/status</c> and the state metric,
/// until its name resolves again. Backends given as addresses, and those DNS discovery found, are never touched.
/// </summary>
internal sealed partial class NameResolutionCheck : IHostedService, IAsyncDisposable
{
    /// <summary>How often every name is resolved again: how long a name that came back waits to be used.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>The longest one resolution may take before it counts as a failure.</summary>
    public static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<IEnumerable<Pool>> _pools;
    private readonly IHostResolver _resolver;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _rounds = Task.CompletedTask;

    /// <param name="pools">The pools as they are now (a reload changes them; each round reads them again).</param>
    public NameResolutionCheck(Func<IEnumerable<Pool>> pools, IHostResolver resolver, TimeProvider time, ILogger logger)
    {
        _pools = pools;
        _resolver = resolver;
        _time = time;
        _logger = logger;
    }

    /// <summary>Resolves every name once (bounded by <see cref="ResolveTimeout"/>), then every <see cref="Interval"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RunRoundAsync(cancellationToken).ConfigureAwait(false);
        using (ExecutionContext.SuppressFlow()) // the rounds must not carry the starter's context for the process's life
        {
            _rounds = RunRoundsAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _rounds.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>One round: every named backend of every pool, resolved at once.</summary>
    public Task RunRoundAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_pools()
            .SelectMany(pool => pool.All.Select(backend => (pool, backend)))
            .Where(entry => entry.backend.Address is DnsEndPoint)
            .Select(entry => CheckAsync(entry.pool, entry.backend, cancellationToken)));

    // One round after another, each an interval after the last began (a slow one delays the next, never stacks).
    private async Task RunRoundsAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                await RunRoundAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task CheckAsync(Pool pool, BackendState backend, CancellationToken cancellationToken)
    {
        string host = ((DnsEndPoint)backend.Address).Host;
        string? failure;
        using (var timeout = new CancellationTokenSource(ResolveTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                IPAddress[] addresses = await _resolver.ResolveAsync(host, linked.Token).ConfigureAwait(false);
                failure = addresses.Length > 0 ? null : "no address";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return; // stopping: the state stays as it was
            }
            catch (OperationCanceledException)
            {
                failure = $"no answer within {ResolveTimeout.TotalSeconds} s";
            }
            catch (SocketException exception)
            {
                failure = exception.SocketErrorCode == SocketError.HostNotFound ? "no such host" : exception.SocketErrorCode.ToString();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                failure = exception.Message; // whatever the resolver throws is a name that does not resolve, never a crash
            }
        }

        if (backend.SetResolution(failure))
        {
            if (failure is null)
            {
                Resolves(_logger, pool.Name, backend.Name);
            }
            else
            {
                DoesNotResolve(_logger, pool.Name, backend.Name, failure);
            }
        }
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Pool {Pool}: backend {Backend} does not resolve ({Reason}); not used until it does")]
    private static partial void DoesNotResolve(ILogger logger, string pool, string backend, string reason);

    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "Pool {Pool}: backend {Backend} resolves again; back in use")]
    private static partial void Resolves(ILogger logger, string pool, string backend);
}
