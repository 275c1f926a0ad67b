using TcpLb.Cli;

// The balancer's entry point: the command line decides what runs.
return TcpLbCommandLine.Build().Parse(args).Invoke();
