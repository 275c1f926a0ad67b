using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Configuration;
using TcpLb.Model;

namespace TcpLb.Health;

/// <summary>
/// HAProxy's <c>option httpchk</c>: a <c>GET</c> of the health path (after the PROXY header when the check goes
/// to the backend's own port), healthy when the status is in the expected range. Only the status line is read:
/// the verdict never depends on headers or body.
/// </summary>
internal sealed class HttpProbe : IHealthProbe
{
    /// <summary>The status line must come within this many bytes; a longer one is not an HTTP server answering.</summary>
    public const int StatusLineLimit = 4096;

    /// <summary>After the verdict, this much of the rest is read to let the server close first (no RST in its log).</summary>
    private const int DrainLimit = 64 * 1024;

    private readonly ProbeDialer _dialer;
    private readonly HealthCheckOptions _options;
    private readonly TimeProvider _time;
    private readonly string _connectTimedOut;
    private readonly string _responseTimedOut;

    public HttpProbe(HealthCheckOptions options, ProxySendMode sendProxy, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dialer = new ProbeDialer(options, sendProxy);
        _options = options;
        _time = time;
        _connectTimedOut = $"no connection {ProbeDialer.AfterTimeout(options.Timeout)}";
        _responseTimedOut = $"no status line {ProbeDialer.AfterTimeout(options.Timeout)}";
    }

    public async Task<HealthProbeResult> ProbeAsync(BackendState backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        EndPoint target = _dialer.TargetOf(backend);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(StatusLineLimit);
        bool connected = false;
        try
        {
            using Socket socket = await ProbeDialer.ConnectAsync(target, linked.Token).ConfigureAwait(false);
            connected = true;

            // Header and request in one send, as the forwarding path sends header and first bytes (rule 22).
            await socket.SendAsync(BuildRequest(_dialer.HeaderFor(backend), target), SocketFlags.None, linked.Token).ConfigureAwait(false);

            int length = 0;
            int lineEnd;
            while ((lineEnd = buffer.AsSpan(0, length).IndexOf((byte)'\n')) < 0)
            {
                if (length == StatusLineLimit)
                {
                    return HealthProbeResult.Fail($"no status line in the first {StatusLineLimit} bytes");
                }

                int received = await socket.ReceiveAsync(buffer.AsMemory(length, StatusLineLimit - length), SocketFlags.None, linked.Token).ConfigureAwait(false);
                if (received == 0)
                {
                    return HealthProbeResult.Fail(length == 0 ? "closed without a response" : "closed within the status line");
                }

                length += received;
            }

            HealthProbeResult verdict = Judge(buffer.AsSpan(0, lineEnd));
            await DrainAsync(socket, buffer, linked.Token).ConfigureAwait(false);
            return verdict;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthProbeResult.Fail(connected ? _responseTimedOut : _connectTimedOut);
        }
        catch (SocketException exception)
        {
            return HealthProbeResult.Fail(ProbeDialer.Describe(exception));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private HealthProbeResult Judge(ReadOnlySpan<byte> statusLine)
    {
        if (!HttpStatusLine.TryParse(statusLine, out int status))
        {
            return HealthProbeResult.Fail("not an HTTP status line");
        }

        string reason = string.Create(CultureInfo.InvariantCulture, $"HTTP {status}");
        return status >= _options.ExpectStatusMin && status <= _options.ExpectStatusMax ? HealthProbeResult.Pass(reason) : HealthProbeResult.Fail(reason);
    }

    private byte[] BuildRequest(ReadOnlyMemory<byte> header, EndPoint target)
    {
        int port = ProbeDialer.PortOf(target);
        string host = target switch
        {
            IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]",
            IPEndPoint ip => ip.Address.ToString(),
            DnsEndPoint dns => dns.Host,
            _ => "localhost",
        };
        string authority = port == 80 ? host : string.Create(CultureInfo.InvariantCulture, $"{host}:{port}");
        string request = $"GET {_options.HttpPath} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nUser-Agent: tcplb-check\r\n\r\n";

        byte[] bytes = new byte[header.Length + Encoding.ASCII.GetByteCount(request)];
        header.Span.CopyTo(bytes);
        Encoding.ASCII.GetBytes(request, bytes.AsSpan(header.Length));
        return bytes;
    }

    /// <summary>
    /// Best effort, within the check's timeout: send FIN and read what is left until the server's FIN, so
    /// neither side resets. The verdict is already made; a failure here changes nothing.
    /// </summary>
    private static async Task DrainAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            for (int drained = 0; drained < DrainLimit;)
            {
                int received = await socket.ReceiveAsync(buffer.AsMemory(0, StatusLineLimit), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (received == 0)
                {
                    return;
                }

                drained += received;
            }
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            // A reset or the timeout after the status line: the verdict stands.
        }
    }
}
