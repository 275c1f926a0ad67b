namespace TcpLb.Discovery;

/// <summary>DNS gave no usable answer (SERVFAIL, REFUSED, timeout, network error): not the same as an empty answer.</summary>
internal sealed class DnsResolutionException : Exception
{
    public DnsResolutionException()
    {
    }

    public DnsResolutionException(string message)
        : base(message)
    {
    }

    public DnsResolutionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
