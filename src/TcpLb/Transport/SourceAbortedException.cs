namespace TcpLb.Transport;

/// <summary>
/// Completes a pipe whose source socket ended without a FIN (reset by the peer, or aborted by us), so
/// that the send loop on the other side does not mistake the end of the pipe for a FIN and pass one on:
/// a reset or an abort must reach the other side as a reset.
/// </summary>
internal sealed class SourceAbortedException : Exception
{
    public SourceAbortedException()
        : base("the source ended without a FIN")
    {
    }

    public SourceAbortedException(string message)
        : base(message)
    {
    }

    public SourceAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
