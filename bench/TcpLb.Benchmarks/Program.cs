using BenchmarkDotNet.Running;

// Pass BenchmarkDotNet's own arguments through, e.g. --filter '*Parse*' --job short.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
