namespace TcpLb.Transport.Linux;

/// <summary>
/// One socket of a connection and what epoll last said of it. Edge-triggered: a flag is set by an event and cleared
/// only when a call says otherwise (EAGAIN, or a short read that emptied the socket), so no readiness is lost
/// between events.
/// </summary>
internal struct SocketSide
{
    public int Fd;

    /// <summary>A read would not block (bytes, FIN or an error wait).</summary>
    public bool Readable;

    /// <summary>A write would not block.</summary>
    public bool Writable;

    /// <summary>
    /// The peer's FIN has arrived (EPOLLRDHUP; EPOLLHUP when our side had shut down too): once the bytes before it
    /// are read, the next read ends.
    /// </summary>
    public bool PeerFinished;

    /// <summary>The socket reported an error (EPOLLERR, a reset): the next call returns it.</summary>
    public bool Failed;

    public static SocketSide None => new() { Fd = -1 };

    public void Update(uint events)
    {
        if ((events & (LinuxFlags.EPOLLIN | LinuxFlags.EPOLLRDHUP | LinuxFlags.EPOLLHUP | LinuxFlags.EPOLLERR)) != 0)
        {
            Readable = true;
        }

        if ((events & (LinuxFlags.EPOLLOUT | LinuxFlags.EPOLLHUP | LinuxFlags.EPOLLERR)) != 0)
        {
            Writable = true;
        }

        if ((events & (LinuxFlags.EPOLLRDHUP | LinuxFlags.EPOLLHUP)) != 0)
        {
            PeerFinished = true;
        }

        if ((events & LinuxFlags.EPOLLERR) != 0)
        {
            Failed = true;
        }
    }

    /// <summary>
    /// A read came back short: the socket is empty, so readiness waits for the next edge, unless an error is
    /// pending (the next read returns it). True when the peer's FIN came with those bytes: the next read would only
    /// say so, and no edge is left to say it.
    /// </summary>
    public bool ReadShort()
    {
        Readable = Failed;
        return PeerFinished && !Failed;
    }
}
