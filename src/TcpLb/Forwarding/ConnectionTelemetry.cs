using Microsoft.Extensions.Logging;
using TcpLb.Diagnostics;
using TcpLb.Model;
using TcpLb.ProxyProtocol;

namespace TcpLb.Forwarding;

/// <summary>
/// What one listener reports about its connections: metrics at accept, at each PROXY header and at close, and
/// the access-log line at close. Called once per event, never per read: the engines only count bytes; the
/// <see cref="LiveTrafficSweep"/> adds them to the metrics while the connection lives and the close adds the rest.
/// </summary>
internal sealed class ConnectionTelemetry(TcpLbMetrics metrics, ILogger accessLog, string listener, TimeProvider time)
{
    public void Accepted() => metrics.ConnectionAccepted(listener);

    public void ProxyHeaderSent(ProxyVersion version) => metrics.ProxyHeaderSent(listener, version == ProxyVersion.V1 ? "v1" : "v2");

    /// <summary>The connection was routed: counted per route and pool.</summary>
    public void Routed(RouteTarget target) => metrics.ConnectionRouted(listener, target.Tag.Name, target.PoolName);

    public void ProxyHeaderAccepted() => metrics.ProxyHeaderAccepted(listener);

    /// <summary>A trusted upstream's connection closed for its header: <c>not_proxy</c>, <c>incomplete</c>, <c>timeout</c> or the <see cref="ProxyHeaderError"/>.</summary>
    public void ProxyHeaderRejected(string reason) => metrics.ProxyHeaderRejected(listener, reason);

    /// <summary>The connection is closed: count it, its bytes and its duration, and write its access-log line.</summary>
    public void Closed(IOpenConnection connection, ProxyHeader? reported, RouteTarget? route, BackendState? backend)
    {
        CloseReason reason = connection.CloseReason;
        TimeSpan duration = time.GetElapsedTime(connection.StartTimestamp);
        string reasonName = CloseReasonText.Name(reason);
        metrics.ConnectionClosed(listener, reasonName, duration);
        if (backend is not null) // nothing was forwarded without one
        {
            (long fromClient, long fromBackend) = connection.Traffic.Advance(connection.BytesFromClient, connection.BytesFromBackend);
            metrics.BytesForwarded(listener, backend.Pool, backend.Name, fromClient, fromBackend);
        }

        if (!accessLog.IsEnabled(LogLevel.Information))
        {
            return;
        }

        // The client as reported: after a trusted upstream's PROXY header, the upstream's client.
        string client = reported is { DescribesTcpConnection: true } header
            ? header.GetSourceEndPoint()!.ToString()
            : connection.ClientEndPoint.ToString();
#pragma warning disable CA1873 // guarded by the IsEnabled check above
        AccessLog.Closed(accessLog, client, connection.ListenerEndPoint, route?.PoolName ?? "-", backend?.Name ?? "-", connection.Id.ToString(),
            connection.BytesFromClient, connection.BytesFromBackend, (long)duration.TotalMilliseconds,
            CloseReasonText.TerminationState(reason), reasonName);
#pragma warning restore CA1873
    }
}
