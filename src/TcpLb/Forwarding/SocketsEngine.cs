using System.Net.Sockets;
using TcpLb.Transport;

namespace TcpLb.Forwarding;

/// <summary>The portable engine: an accept loop per listening socket, and a task per connection (<see cref="SocketsConnectionFlow"/>).</summary>
internal sealed class SocketsEngine(CancellationToken shutdown) : IConnectionEngine
{
    public string Name => "sockets";

    public IAcceptor Accept(SocketListener listener, Func<ConnectionHandler> currentHandler) => new Acceptor(listener, currentHandler, shutdown);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

#pragma warning disable CA1001 // _stop is disposed by StopAsync, the acceptor's one way to end
    private sealed class Acceptor : IAcceptor
#pragma warning restore CA1001
    {
        private readonly Func<ConnectionHandler> _currentHandler;
        private readonly CancellationToken _shutdown;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private ListenerAdmission? _reserved; // the admission whose slot the next accepted socket uses; only the loop touches it

        public Acceptor(SocketListener listener, Func<ConnectionHandler> currentHandler, CancellationToken shutdown)
        {
            _currentHandler = currentHandler;
            _shutdown = shutdown;
            _loop = listener.AcceptLoopAsync(WaitForSlotAsync, Accepted, _stop.Token);
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            Interlocked.Exchange(ref _reserved, null)?.Release(); // a slot taken for an accept that never came
            _stop.Dispose();
        }

        // Past a limit, clients wait in the kernel's backlog rather than being accepted and dropped.
        private async Task WaitForSlotAsync(CancellationToken cancellationToken)
        {
            ListenerAdmission admission = _currentHandler().Admission;
            await admission.WaitAsync(cancellationToken).ConfigureAwait(false);
            _reserved = admission;
        }

        // The connection gets the settings current now, even if a reload came while the accept was pending.
        private void Accepted(Socket socket)
        {
            ListenerAdmission admission = Interlocked.Exchange(ref _reserved, null)!;
            _ = SocketsConnectionFlow.RunAsync(_currentHandler(), admission, socket, _shutdown);
        }
    }
}
