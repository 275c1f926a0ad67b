using TcpLb.Model;

namespace TcpLb.Forwarding;

/// <summary>Passive health switched off: outcomes are not recorded.</summary>
internal sealed class NoBackendFeedback : IBackendFeedback
{
    public static NoBackendFeedback Instance { get; } = new();

    public void Connected(BackendState backend)
    {
    }

    public void ConnectFailed(BackendState backend)
    {
    }

    public void Reset(BackendState backend)
    {
    }
}
