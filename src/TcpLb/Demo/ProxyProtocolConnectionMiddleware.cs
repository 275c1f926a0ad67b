using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using TcpLb.ProxyProtocol;

namespace TcpLb.Demo;

/// <summary>
/// Kestrel connection middleware that reads the PROXY header with our codec before HTTP starts, and makes
/// the client it names the connection's remote endpoint: what nginx's <c>real_ip_header proxy_protocol</c> does.
/// A connection without a valid header is closed (the router trusts only TcpLb, which always sends one).
/// </summary>
internal static class ProxyProtocolConnectionMiddleware
{
    public static ConnectionDelegate Create(ConnectionDelegate next) => async context =>
    {
        PipeReader input = context.Transport.Input;
        while (true)
        {
            ReadResult read = await input.ReadAsync(context.ConnectionClosed).ConfigureAwait(false);
            ProxyParseResult parsed = ProxyHeaderParser.Parse(read.Buffer);
            if (parsed.Status == ProxyParseStatus.Complete)
            {
                if (parsed.Header.GetSourceEndPoint() is { } client)
                {
                    context.RemoteEndPoint = client;
                }

                input.AdvanceTo(parsed.Consumed);
                break;
            }

            if (parsed.Status != ProxyParseStatus.Incomplete || read.IsCompleted)
            {
                input.AdvanceTo(read.Buffer.Start);
                context.Abort(new ConnectionAbortedException($"no valid PROXY header: {parsed.Error.Describe()}"));
                return;
            }

            input.AdvanceTo(parsed.Consumed, parsed.Examined);
        }

        await next(context).ConfigureAwait(false);
    };
}
