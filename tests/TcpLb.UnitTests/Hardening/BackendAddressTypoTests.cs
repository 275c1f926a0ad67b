using System.Net;
using TcpLb.Configuration.Settings;
using TcpLb.UnitTests.Configuration;
using TcpLb.Configuration;
using TcpLb.Configuration.File;
using Xunit;

namespace TcpLb.UnitTests.Hardening;

/// <summary>
/// A backend written as dotted digits that is no IPv4 address (<c>10.0.0.300</c>) was taken as a DNS name: TcpLb
/// started, /ready said 200 and the first client got an empty reply. It is a config error now, from flags and files.
/// </summary>
public sealed class BackendAddressTypoTests
{
    [Theory]
    [InlineData("10.0.0.300:80", "10.0.0.300")]
    [InlineData("10.0.0:80", "10.0.0")]        // inet_aton would read 10.0.0.0
    [InlineData("1.2.3.4.5:80", "1.2.3.4.5")]
    [InlineData("010.0.0.1:80", "010.0.0.1")]  // inet_aton would read octal: 8.0.0.1
    [InlineData("10..0.1:80", "10..0.1")]
    [InlineData("10.0.0.1.:80", "10.0.0.1.")]
    public void Dotted_digits_that_are_no_IPv4_address_are_refused_naming_them(string text, string host)
    {
        Assert.False(BackendOptions.ShortForm.TryParse(text, out BackendOptions? backend, out string error));
        Assert.Null(backend);
        Assert.Equal($"'{host}' looks like an IPv4 address but is not one: write four numbers 0..255 without leading zeros, a.b.c.d", error);
    }

    [Theory]
    [InlineData("10.0.0.255:80")]
    [InlineData("0.0.0.0:80")]
    [InlineData("router-1.example:80")]
    [InlineData("10.0.0.5.nip.io:80")]
    [InlineData("[::ffff:10.0.0.1]:80")]
    public void Addresses_and_names_with_digits_still_parse(string text)
    {
        Assert.True(BackendOptions.ShortForm.TryParse(text, out BackendOptions? backend, out string error), error);
        Assert.NotNull(backend);
    }

    [Fact]
    public void In_a_config_file_the_problem_names_its_path()
    {
        ConfigLoadResult loaded = ConfigText.Load("listeners:\n  - listen: \"127.0.0.1:8080\"\n    backends: [\"10.0.0.5:80\", {address: \"10.0.0.300:80\"}]");

        Assert.Null(loaded.Options);
        Assert.Equal(["listeners[0].backends[1].address: '10.0.0.300' looks like an IPv4 address but is not one: write four numbers 0..255 without leading zeros, a.b.c.d"], loaded.Problems);
    }

    [Fact]
    public void A_good_address_is_an_IPEndPoint_not_a_name()
    {
        Assert.True(ValueParsers.TryParseBackendEndPoint("10.0.0.255:80", out EndPoint? endPoint, out _));
        Assert.IsType<IPEndPoint>(endPoint);
    }
}
