namespace TcpLb.Transport;

/// <summary>
/// Completes a pipe whose source socket was reset, so that the send loop on the other side does not
/// mistake the end of the pipe for a FIN and pass one on: a reset must reach the other side as a reset.
/// </summary>
internal sealed class PeerResetException : Exception
{
    public PeerResetException()
        : base("the peer reset the connection")
    {
    }

    public PeerResetException(string message)
        : base(message)
    {
    }

    public PeerResetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
