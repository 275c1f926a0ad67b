extern alias TcpLbApp;

using System.Net;
using BenchmarkDotNet.Attributes;
using TcpLbApp::TcpLb.Balancing;
using TcpLbApp::TcpLb.Configuration;
using TcpLbApp::TcpLb.Model;

namespace TcpLb.Benchmarks.Balancing;

/// <summary>
/// The floor under every policy: one <see cref="BalancingContext.IsEligible"/> test, next to the clock read it
/// contains (<see cref="BackendState.IsEjected"/> reads the clock even when no ejection was ever set).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class EligibilityBenchmarks
{
    private readonly BackendState _backend = new(new BackendOptions { Address = new IPEndPoint(IPAddress.Loopback, 8000) }, TimeProvider.System);

    [Benchmark]
    public bool IsEligible() => new BalancingContext { Timestamp = 1 }.IsEligible(_backend);

    [Benchmark]
    public long ClockRead() => TimeProvider.System.GetTimestamp();
}
