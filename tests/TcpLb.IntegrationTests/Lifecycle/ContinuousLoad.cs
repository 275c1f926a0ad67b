using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using TcpLb.Testing;

namespace TcpLb.IntegrationTests.Lifecycle;

/// <summary>
/// Clients that connect one after another through TcpLb to a <see cref="EchoBackend"/>, each sending a
/// few KiB, half-closing and checking every byte comes back, until stopped. Any refused connect, reset or
/// wrong byte is kept as a failure with what happened.
/// </summary>
internal sealed class ContinuousLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _workers;
    private int _completed;

    public ContinuousLoad(IPEndPoint target, int clients, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _workers = [.. Enumerable.Range(0, clients).Select(client => Task.Run(() => RunAsync(target, client), CancellationToken.None))];
    }

    /// <summary>Exchanges that finished with every byte echoed.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>What went wrong, one entry per failed exchange.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Stops after the exchanges in progress end; returns how many completed.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        return Completed;
    }

    private async Task RunAsync(IPEndPoint target, int client)
    {
        var random = new Random(client);
        // Bounded: a worker ends after this many exchanges even if nobody stops it.
        for (int exchange = 0; exchange < 100_000 && !_stop.IsCancellationRequested; exchange++)
        {
            byte[] payload = new byte[random.Next(1, 4096)];
            random.NextBytes(payload);
            try
            {
                // The exchange itself runs to its end, bounded, even once stopping is asked: a connection cut
                // by the test is not a failure of TcpLb.
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                using Socket socket = await Net.ConnectAsync(target, bound.Token);
                await socket.SendAsync(payload, SocketFlags.None, bound.Token);
                socket.Shutdown(SocketShutdown.Send);
                byte[] echoed = await Net.ReadToEndAsync(socket, bound.Token);
                if (!echoed.AsSpan().SequenceEqual(payload))
                {
                    Failures.Enqueue($"client {client} exchange {exchange}: sent {payload.Length} bytes, got {echoed.Length} back, not the same");
                    continue;
                }

                Interlocked.Increment(ref _completed);
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException)
            {
                Failures.Enqueue($"client {client} exchange {exchange}: {exception.GetType().Name} {(exception as SocketException)?.SocketErrorCode} {exception.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
