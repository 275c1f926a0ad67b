// The balancing benchmarks drive the internal policies directly, as the tests do (TcpLb.csproj grants the tests).
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("TcpLb.Benchmarks")]
