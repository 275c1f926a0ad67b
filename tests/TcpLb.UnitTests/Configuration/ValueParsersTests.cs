using System.Net;
using TcpLb.Configuration;
using TcpLb.Configuration.Settings;
using Xunit;

namespace TcpLb.UnitTests.Configuration;

/// <summary>The values settings take (the file and the flags alike), parsed in process: each accepted form, and a sentence for each refusal.</summary>
public sealed class ValueParsersTests
{
    [Fact]
    public void A_backend_takes_HAProxy_style_settings_after_commas()
    {
        Assert.True(BackendOptions.ShortForm.TryParse("10.0.0.5:80,weight=3,slow-start=30s,max-conn=500,backup", out BackendOptions? backend, out _));
        Assert.Equal(new BackendOptions
        {
            Address = IPEndPoint.Parse("10.0.0.5:80"),
            Weight = 3,
            SlowStart = TimeSpan.FromSeconds(30),
            MaxConnections = 500,
            Backup = true,
        }, backend);
    }

    [Theory]
    [InlineData("router.local:80", "router.local")]
    [InlineData("[fd00::5]:80", null)]
    public void A_backend_is_an_address_or_a_host_name_with_a_port(string text, string? host)
    {
        Assert.True(BackendOptions.ShortForm.TryParse(text, out BackendOptions? backend, out _));
        if (host is null)
        {
            Assert.IsType<IPEndPoint>(backend.Address);
        }
        else
        {
            Assert.Equal(host, Assert.IsType<DnsEndPoint>(backend.Address).Host);
        }
    }

    [Theory]
    [InlineData("10.0.0.5:80,weight=0", "'weight=0' is not a backend setting")]
    [InlineData("10.0.0.5:80,weight=257", "'weight=257' is not a backend setting")]
    [InlineData("10.0.0.5:80,slow-start=30", "'slow-start=30' is not a backend setting")]
    [InlineData("10.0.0.5:80,primary", "'primary' is not a backend setting")]
    [InlineData("10.0.0.5", "is not host:port")]
    public void A_bad_backend_setting_is_named(string text, string expected)
    {
        Assert.False(BackendOptions.ShortForm.TryParse(text, out _, out string error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("5s", 5000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    public void Durations_take_a_unit(string text, double milliseconds)
    {
        Assert.True(ValueParsers.TryParseDuration(text, out TimeSpan duration, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("5", "needs a unit")]
    [InlineData("5x", "'x' is not a unit")]
    [InlineData("0s", "must be more than 0")]
    [InlineData("fast", "is not a duration")]
    public void A_bad_duration_says_why(string text, string expected)
    {
        Assert.False(ValueParsers.TryParseDuration(text, out _, out string error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*:80", "[::]:80")]
    [InlineData("127.0.0.1:8080", "127.0.0.1:8080")]
    [InlineData("[::1]:8080", "[::1]:8080")]
    public void Listen_addresses(string text, string expected)
    {
        Assert.True(ValueParsers.TryParseListenEndPoint(text, out IPEndPoint? endPoint, out _));
        Assert.Equal(IPEndPoint.Parse(expected), endPoint);
    }

    [Fact]
    public void A_bare_address_is_a_one_host_network()
    {
        Assert.True(ValueParsers.TryParseNetwork("10.1.2.3", out IPNetwork network, out _));
        Assert.Equal(IPNetwork.Parse("10.1.2.3/32"), network);
    }
}
