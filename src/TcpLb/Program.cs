using TcpLb.Cli;
using TcpLb.Transport;

// Before any socket exists: socket completions run on the epoll thread (see SocketCompletions).
SocketCompletions.PreferInline();

// The balancer's entry point: the command line decides what runs.
return await TcpLbCommandLine.InvokeAsync(args).ConfigureAwait(false);
