using System.Net;
using TcpLb.Balancing;
using TcpLb.ProxyProtocol;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

public sealed class ClientAddressHashTests
{
    [Fact]
    public void The_hash_is_the_same_in_every_run_and_process()
    {
        // Fixed values: a change here moves every source-hash client of every deployed balancer.
        Assert.Equal(GoldenIPv4, ClientAddressHash.Of(IPAddress.Parse("192.0.2.1")));
        Assert.Equal(GoldenIPv6, ClientAddressHash.Of(IPAddress.Parse("2001:db8::1")));
    }

    [Fact]
    public void IPv4_and_its_IPv4_mapped_IPv6_form_hash_alike()
    {
        IPAddress ipv4 = IPAddress.Parse("192.0.2.1");

        Assert.Equal(ClientAddressHash.Of(ipv4), ClientAddressHash.Of(ipv4.MapToIPv6()));
        Assert.Equal(ClientAddressHash.Of(ipv4), ClientAddressHash.Of(ProxyAddress.FromIPAddress(ipv4).MapToIPv6()));
    }

    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("2001:db8::1")]
    [InlineData("::")]
    public void A_parsed_header_address_and_a_socket_address_hash_alike(string address)
    {
        IPAddress ip = IPAddress.Parse(address);

        Assert.Equal(ClientAddressHash.Of(ip), ClientAddressHash.Of(ProxyAddress.FromIPAddress(ip)));
    }

    [Fact]
    public void Neighbouring_addresses_hash_apart_and_spread_evenly()
    {
        ulong[] hashes = [.. Enumerable.Range(0, 65_536).Select(i => ClientAddressHash.Of(ProxyAddress.FromIPv4(0x0A00_0000u + (uint)i)))];

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
        for (int bit = 0; bit < 64; bit++)
        {
            int ones = hashes.Count(h => ((h >> bit) & 1) == 1);
            Assert.InRange(ones, 32_768 - 1_000, 32_768 + 1_000);
        }
    }

    [Fact]
    public void Hashing_allocates_nothing()
    {
        IPAddress ip = IPAddress.Parse("2001:db8::1");
        ProxyAddress proxy = ProxyAddress.FromIPAddress(ip);
        ulong sink = ClientAddressHash.Of(ip) ^ ClientAddressHash.Of(proxy);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            sink ^= ClientAddressHash.Of(ip) ^ ClientAddressHash.Of(proxy);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(1UL, sink);
    }

    private const ulong GoldenIPv4 = 14336566313423971136;
    private const ulong GoldenIPv6 = 10012943669292392705;
}
