using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace TcpLb.Forwarding;

/// <summary>
/// Dials a backend: the next one in turn, and on a refused or timed-out connect the one after, until each
/// was tried once. Client-first means nothing was sent yet, so moving on is always safe.
/// </summary>
internal sealed class BackendDialer
{
    private readonly IReadOnlyList<EndPoint> _backends;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _next = -1;

    public BackendDialer(IReadOnlyList<EndPoint> backends, TimeSpan connectTimeout, TimeProvider time, ILogger logger)
    {
        _backends = backends;
        _connectTimeout = connectTimeout;
        _time = time;
        _logger = logger;
    }

    /// <summary>A connected socket and the backend it reached, or null when none answered.</summary>
    public async Task<(Socket Socket, EndPoint Backend)?> DialAsync(IPEndPoint client, CancellationToken cancellationToken)
    {
        int start = Interlocked.Increment(ref _next);
        for (int attempt = 0; attempt < _backends.Count; attempt++)
        {
            EndPoint backend = _backends[(int)((uint)(start + attempt) % (uint)_backends.Count)];
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var timeout = new CancellationTokenSource(_connectTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await socket.ConnectAsync(backend, linked.Token).ConfigureAwait(false);
                return (socket, backend);
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                if (cancellationToken.IsCancellationRequested)
                {
                    return null;
                }

                string why = exception is SocketException socketError ? socketError.SocketErrorCode.ToString() : $"no answer within {_connectTimeout.TotalSeconds:0.###} s";
                ForwardingLog.ConnectFailed(_logger, client, backend, why);
            }
        }

        return null;
    }
}
