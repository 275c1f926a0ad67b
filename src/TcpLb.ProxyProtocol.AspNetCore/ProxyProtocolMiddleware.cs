using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>
/// Reads a trusted source's PROXY header off the connection before TLS and HTTP start, makes the client it reports
/// the connection's remote endpoint, and hands the bytes after the header on untouched (rule 12). An untrusted
/// source goes straight to the next middleware: nothing of its bytes is read (rule 20). Never throws on wire
/// bytes: a bad header closes the connection with one rate-limited log line and a counter.
/// </summary>
internal sealed class ProxyProtocolMiddleware(
    ConnectionDelegate next,
    ProxyProtocolSettings settings,
    TimeProvider timeProvider,
    ILogger logger,
    ProxyProtocolMetrics metrics)
{
    private readonly LogRateLimiter _logLimiter = new(timeProvider);

    public Task OnConnectionAsync(ConnectionContext connection)
    {
        if (!settings.Trusts(connection.RemoteEndPoint))
        {
            metrics.Plain(trusted: false);
            return next(connection);
        }

        // The header usually came with the accept (rule 22): then this frame hands over without an async state machine.
        ValueTask<bool> header = ReadHeaderAsync(connection);
        if (header.IsCompletedSuccessfully)
        {
            return header.Result ? next(connection) : Task.CompletedTask;
        }

        return AwaitHeaderThenServeAsync(header, connection);
    }

    private async Task AwaitHeaderThenServeAsync(ValueTask<bool> header, ConnectionContext connection)
    {
        if (await header.ConfigureAwait(false))
        {
            await next(connection).ConfigureAwait(false);
        }
    }

    /// <summary>True when the connection goes on to the application (with its header applied, or as a plain client).</summary>
    private async ValueTask<bool> ReadHeaderAsync(ConnectionContext connection)
    {
        PipeReader input = connection.Transport.Input;
        HeaderDeadline? deadline = null;
        long received = 0;
        try
        {
            while (true)
            {
                // The balancer writes its header with the first bytes (rule 22), so they are often here already:
                // then no timer is needed at all.
                if (!input.TryRead(out ReadResult read))
                {
                    deadline ??= new HeaderDeadline(input, settings.HeaderTimeout, timeProvider);
                    read = await input.ReadAsync().ConfigureAwait(false);
                }

                ReadOnlySequence<byte> buffer = read.Buffer;
                received = buffer.Length;
                if (read.IsCanceled)
                {
                    input.AdvanceTo(buffer.Start);
                    return Reject(connection, ProxyHeaderRejection.Timeout, ProxyHeaderError.None, received);
                }

                ProxyParseResult parsed = ProxyHeaderParser.Parse(buffer, settings.Parser);
                switch (parsed.Status)
                {
                    case ProxyParseStatus.Complete:
                        // Copy the TLVs out before the pipe may reuse their memory.
                        var feature = new ProxyProtocolFeature(parsed.Header.ToOwned(), connection.RemoteEndPoint);
                        input.AdvanceTo(parsed.Consumed);
                        if (deadline?.End() == true)
                        {
                            // The clock ran out as the header completed: a cancel may be pending, which must not reach the application.
                            return Reject(connection, ProxyHeaderRejection.Timeout, ProxyHeaderError.None, received);
                        }

                        Apply(connection, feature);
                        metrics.Accepted(feature.Header);
                        return true;

                    case ProxyParseStatus.NotProxy when settings.Mode == ProxyProtocolMode.Optional:
                        input.AdvanceTo(buffer.Start); // nothing consumed, nothing examined: the application reads it all
                        if (deadline?.End() == true)
                        {
                            return Reject(connection, ProxyHeaderRejection.Timeout, ProxyHeaderError.None, received);
                        }

                        metrics.Plain(trusted: true);
                        return true;

                    case ProxyParseStatus.NotProxy:
                        input.AdvanceTo(buffer.Start);
                        return Reject(connection, ProxyHeaderRejection.Missing, ProxyHeaderError.None, received);

                    case ProxyParseStatus.Invalid:
                        input.AdvanceTo(buffer.Start);
                        return Reject(connection, ProxyHeaderRejection.Invalid, parsed.Error, received);

                    default: // Incomplete (rule 19): wait for more, unless the source has finished sending
                        input.AdvanceTo(parsed.Consumed, parsed.Examined);
                        if (read.IsCompleted)
                        {
                            return received == 0
                                ? Close(connection) // connected and left without a byte: a TCP health check, not news
                                : Reject(connection, ProxyHeaderRejection.Truncated, ProxyHeaderError.None, received);
                        }

                        break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            // The transport failed under the read (a reset, an abort): the source is gone, nothing to serve.
            return received == 0
                ? Close(connection)
                : Reject(connection, ProxyHeaderRejection.Truncated, ProxyHeaderError.None, received);
        }
        finally
        {
            deadline?.Dispose();
        }
    }

    /// <summary>The reported client becomes the connection's, so HTTP, TLS, logging and YARP all see it; LOCAL and UNKNOWN keep the real endpoints.</summary>
    private static void Apply(ConnectionContext connection, ProxyProtocolFeature feature)
    {
        connection.Features.Set<IProxyProtocolFeature>(feature);
        if (feature.SourceEndPoint is not { } source)
        {
            return;
        }

        // Kestrel's HTTP layer copies these into each request's IHttpConnectionFeature (HttpContext.Connection).
        connection.RemoteEndPoint = source;
        connection.LocalEndPoint = feature.DestinationEndPoint;
    }

    private bool Reject(ConnectionContext connection, ProxyHeaderRejection reason, ProxyHeaderError error, long received)
    {
        metrics.Rejected(reason, error);
        if (logger.IsEnabled(LogLevel.Warning) && _logLimiter.TryAcquire(out long leftOutBefore))
        {
            string leftOut = ProxyProtocolLog.LeftOut(leftOutBefore);
            EndPoint? peer = connection.RemoteEndPoint;
            switch (reason)
            {
                case ProxyHeaderRejection.Invalid:
                    ProxyProtocolLog.InvalidHeader(logger, peer, error.Describe(), leftOut);
                    break;
                case ProxyHeaderRejection.Missing:
                    ProxyProtocolLog.MissingHeader(logger, peer, leftOut);
                    break;
                case ProxyHeaderRejection.Timeout:
                    ProxyProtocolLog.HeaderTimeout(logger, peer, settings.HeaderTimeout, received, leftOut);
                    break;
                default:
                    ProxyProtocolLog.TruncatedHeader(logger, peer, received, leftOut);
                    break;
            }
        }

        return Close(connection);
    }

    private static bool Close(ConnectionContext connection)
    {
        connection.Abort(new ConnectionAbortedException("The connection did not open with a valid PROXY header."));
        return false;
    }
}
