using System.Net.Sockets;
using TcpLb.Configuration;
using TcpLb.Model;

namespace TcpLb.Health;

/// <summary>
/// HAProxy's plain <c>check</c>: healthy when the backend accepts a connection. The PROXY header goes first
/// when the pool sends one, so a router listening with <c>proxy_protocol</c> sees a well-formed LOCAL
/// connection instead of logging a broken header; then the probe closes with FIN.
/// </summary>
internal sealed class TcpConnectProbe : IHealthProbe
{
    private readonly ProbeDialer _dialer;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly string _timedOut;

    public TcpConnectProbe(HealthCheckOptions options, ProxySendMode sendProxy, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dialer = new ProbeDialer(options, sendProxy);
        _timeout = options.Timeout;
        _time = time;
        _timedOut = $"no connection {ProbeDialer.AfterTimeout(options.Timeout)}";
    }

    public async Task<HealthProbeResult> ProbeAsync(BackendState backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            using Socket socket = await ProbeDialer.ConnectAsync(_dialer.TargetOf(backend), linked.Token).ConfigureAwait(false);
            ReadOnlyMemory<byte> header = _dialer.HeaderFor(backend);
            if (!header.IsEmpty)
            {
                await socket.SendAsync(header, SocketFlags.None, linked.Token).ConfigureAwait(false);
            }

            // FIN, not RST: the router sees a check that ended normally (a reset would read as an error in its log).
            socket.Shutdown(SocketShutdown.Both);
            return HealthProbeResult.Pass("connected");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthProbeResult.Fail(_timedOut);
        }
        catch (SocketException exception)
        {
            return HealthProbeResult.Fail(ProbeDialer.Describe(exception));
        }
    }
}
