using TcpLb.Model;

namespace TcpLb.Forwarding;

/// <summary>
/// What the forwarding path tells passive health about each backend: only outcomes the backend caused
/// (a refused or timed-out connect, a reset from its side), and successes that clear its record.
/// </summary>
internal interface IBackendFeedback
{
    void Connected(BackendState backend);

    void ConnectFailed(BackendState backend);

    void Reset(BackendState backend);
}
