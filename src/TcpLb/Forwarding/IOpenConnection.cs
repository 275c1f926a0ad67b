using System.Net;
using TcpLb.Model;
using TcpLb.Tlvs;

namespace TcpLb.Forwarding;

/// <summary>
/// An open connection as the rest of the balancer sees it (drain, reload, status, metrics, tests), whichever engine
/// carries it. Every member may be read from any thread; the counters are read without a lock (a moment's value).
/// </summary>
internal interface IOpenConnection
{
    /// <summary>Its id: the access log's <c>id</c>, and the UNIQUE_ID TLV when that is sent.</summary>
    ConnectionId Id { get; }

    /// <summary>The listener that accepted it.</summary>
    ListenerTag Listener { get; }

    ConnectionPhase Phase { get; }

    /// <summary>The client's real endpoint (the upstream balancer's, behind one).</summary>
    IPEndPoint ClientEndPoint { get; }

    /// <summary>The listener address the client connected to.</summary>
    IPEndPoint ListenerEndPoint { get; }

    /// <summary>When it was accepted, as a <see cref="TimeProvider"/> timestamp.</summary>
    long StartTimestamp { get; }

    /// <summary>Bytes received from the client (a PROXY header it sent included).</summary>
    long BytesFromClient { get; }

    /// <summary>Bytes received from the backend.</summary>
    long BytesFromBackend { get; }

    /// <summary>The backend it was given (it may still be dialling); null before one is chosen.</summary>
    BackendState? CurrentBackend { get; }

    /// <summary>Its bytes already in the metrics: advanced by the periodic sweep and at close, never by the engine.</summary>
    PublishedTraffic Traffic { get; }

    /// <summary>True once the client's FIN was passed on to the backend.</summary>
    bool ClientDirectionEnded { get; }

    /// <summary>Why it closed (or is closing); <see cref="CloseReason.None"/> while open.</summary>
    CloseReason CloseReason { get; }

    /// <summary>Resets both sides, recording <paramref name="reason"/> unless a reason was recorded first. Any thread.</summary>
    void Abort(CloseReason reason);
}
