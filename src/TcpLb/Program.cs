using TcpLb.Cli;

// The balancer's entry point: the command line decides what runs.
return await TcpLbCommandLine.InvokeAsync(args).ConfigureAwait(false);
