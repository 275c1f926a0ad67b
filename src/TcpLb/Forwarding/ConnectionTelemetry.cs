using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using TcpLb.Diagnostics;
using TcpLb.Model;
using TcpLb.ProxyProtocol;

namespace TcpLb.Forwarding;

/// <summary>
/// What one listener reports about its connections: metrics at accept, at each PROXY header and at close, and
/// the access-log line at close. Called once per event, never per read: the engines only count bytes; the
/// <see cref="LiveTrafficSweep"/> adds them to the metrics while the connection lives and the close adds the rest.
/// The counters' cells of this listener are looked up once and kept (by route and backend: for as long as they live).
/// </summary>
internal sealed class ConnectionTelemetry(TcpLbMetrics metrics, ILogger accessLog, string listener, TimeProvider time)
{
    private readonly CounterCell _accepted = metrics.Accepted.For(listener);
    private readonly CounterCell _active = metrics.Active.For(listener);
    private readonly CounterCell?[] _closed = new CounterCell?[Enum.GetValues<CloseReason>().Length];
    private readonly CounterCell?[] _headersSent = new CounterCell?[2];
    private readonly ConditionalWeakTable<RouteTarget, CounterCell> _routed = [];
    private readonly ConditionalWeakTable<BackendState, BackendBytes> _bytes = [];
    private CounterCell? _headersAccepted;
    private EndPointText? _listenerText;

    public void Accepted()
    {
        _accepted.Add(1);
        _active.Add(1);
    }

    public void ProxyHeaderSent(ProxyVersion version)
    {
        int index = version == ProxyVersion.V1 ? 0 : 1;
        (_headersSent[index] ??= metrics.ProxySent.For(listener, index == 0 ? "v1" : "v2")).Add(1);
    }

    /// <summary>The connection was routed: counted per route and pool.</summary>
    public void Routed(RouteTarget target)
    {
        if (!_routed.TryGetValue(target, out CounterCell? cell))
        {
            cell = _routed.GetValue(target, target => metrics.Routed.For(listener, target.Tag.Name, target.PoolName));
        }

        cell.Add(1);
    }

    public void ProxyHeaderAccepted() => (_headersAccepted ??= metrics.ProxyAccepted.For(listener)).Add(1);

    /// <summary>A trusted upstream's connection closed for its header: <c>not_proxy</c>, <c>incomplete</c>, <c>timeout</c> or the <see cref="ProxyHeaderError"/>.</summary>
    public void ProxyHeaderRejected(string reason) => metrics.ProxyRejected.For(listener, reason).Add(1);

    /// <summary>The connection is closed: count it, its bytes and its duration, and write its access-log line.</summary>
    public void Closed(IOpenConnection connection, ProxyHeader? reported, RouteTarget? route, BackendState? backend)
    {
        CloseReason reason = connection.CloseReason;
        TimeSpan duration = time.GetElapsedTime(connection.StartTimestamp);
        string reasonName = CloseReasonText.Name(reason);
        _active.Add(-1);
        (_closed[(int)reason] ??= metrics.Closed.For(listener, reasonName)).Add(1);
        metrics.ConnectionLasted(listener, reasonName, duration);
        if (backend is not null) // nothing was forwarded without one
        {
            (long fromClient, long fromBackend) = connection.Traffic.Advance(connection.BytesFromClient, connection.BytesFromBackend);
            if (!_bytes.TryGetValue(backend, out BackendBytes? bytes))
            {
                bytes = _bytes.GetValue(backend, backend => new BackendBytes(
                    metrics.Bytes.For(listener, backend.Pool, backend.Name, TcpLbMetrics.Directions.ClientToBackend),
                    metrics.Bytes.For(listener, backend.Pool, backend.Name, TcpLbMetrics.Directions.BackendToClient)));
            }

            bytes.FromClient.Add(fromClient);
            bytes.FromBackend.Add(fromBackend);
        }

        if (!accessLog.IsEnabled(LogLevel.Information))
        {
            return;
        }

        // The client as reported: after a trusted upstream's PROXY header, the upstream's client.
        IPEndPoint client = reported is { DescribesTcpConnection: true } header ? header.GetSourceEndPoint()! : connection.ClientEndPoint;
        AccessLog.Closed(accessLog, new AccessLine(client, ListenerText(connection.ListenerEndPoint), route?.PoolName ?? "-", backend?.Name ?? "-", connection.Id,
            connection.BytesFromClient, connection.BytesFromBackend, (long)duration.TotalMilliseconds, CloseReasonText.TerminationState(reason), reasonName));
    }

    // A listener's connections share its end point (a wildcard listener's name the address they reached): its text is made once.
    private string ListenerText(IPEndPoint endPoint)
    {
        EndPointText? known = _listenerText;
        if (known is not null && ReferenceEquals(known.EndPoint, endPoint))
        {
            return known.Text;
        }

        known = new EndPointText(endPoint, endPoint.ToString());
        _listenerText = known;
        return known.Text;
    }

    private sealed record EndPointText(IPEndPoint EndPoint, string Text);

    /// <summary>The two <c>tcplb.io</c> cells of one backend on this listener.</summary>
    private sealed record BackendBytes(CounterCell FromClient, CounterCell FromBackend);
}
