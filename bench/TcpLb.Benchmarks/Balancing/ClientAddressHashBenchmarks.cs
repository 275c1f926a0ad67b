extern alias TcpLbApp;

using System.Net;
using BenchmarkDotNet.Attributes;
using TcpLbApp::TcpLb.Balancing;
using TcpLb.ProxyProtocol;

namespace TcpLb.Benchmarks.Balancing;

/// <summary>Hashing a client address for source-hash, from a parsed PROXY header or from a socket's address.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class ClientAddressHashBenchmarks
{
    private readonly ProxyAddress _ipv4 = ProxyAddress.FromIPv4(0xC000_0201); // 192.0.2.1
    private readonly ProxyAddress _ipv6 = ProxyAddress.FromIPAddress(IPAddress.Parse("2001:db8::1"));
    private readonly IPAddress _socketIPv4 = IPAddress.Parse("192.0.2.1");
    private readonly IPAddress _socketIPv6 = IPAddress.Parse("2001:db8::1");

    [Benchmark]
    public ulong ProxyAddress_IPv4() => ClientAddressHash.Of(_ipv4);

    [Benchmark]
    public ulong ProxyAddress_IPv6() => ClientAddressHash.Of(_ipv6);

    [Benchmark]
    public ulong IPAddress_IPv4() => ClientAddressHash.Of(_socketIPv4);

    [Benchmark]
    public ulong IPAddress_IPv6() => ClientAddressHash.Of(_socketIPv6);
}
