namespace TcpLb.Admin;

/// <summary>
/// The admin endpoint could not start: its address is taken or not ours, or its token or the lack of one forbids it.
/// The message names the address or the setting to fix.
/// </summary>
internal sealed class AdminEndpointException : Exception
{
    public AdminEndpointException(string message)
        : base(message)
    {
    }

    public AdminEndpointException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
