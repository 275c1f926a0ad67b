namespace TcpLb.Transport;

/// <summary>
/// Bytes and last activity of one direction of a connection. Written by that direction's receive loop
/// only, read by the watchdog and the close log; plain fields, no allocation, nothing per read but two stores.
/// </summary>
internal sealed class TrafficMeter
{
    private readonly TimeProvider _time;
    private long _bytes;
    private long _lastActivity;

    public TrafficMeter(TimeProvider time)
    {
        _time = time;
        _lastActivity = time.GetTimestamp();
    }

    /// <summary>Bytes received in this direction.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>When a byte last arrived, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long LastActivity => Volatile.Read(ref _lastActivity);

    /// <summary>Set once the direction has ended (its FIN passed on).</summary>
    public bool Ended { get; private set; }

    public void Record(int bytes)
    {
        Volatile.Write(ref _bytes, _bytes + bytes);
        Volatile.Write(ref _lastActivity, _time.GetTimestamp());
    }

    public void MarkEnded()
    {
        Ended = true;
        Volatile.Write(ref _lastActivity, _time.GetTimestamp());
    }
}
