using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Options;

/// <summary>The options' defaults, and a bad value refused at configuration time with a message naming each bad option.</summary>
public sealed class ProxyProtocolOptionsTests
{
    [Fact]
    public void The_defaults_trust_nobody_require_a_header_read_both_versions_and_bound_time_and_size()
    {
        var options = new ProxyProtocolOptions();

        Assert.Empty(options.TrustedNetworks);
        Assert.Equal(ProxyProtocolMode.Required, options.Mode);
        Assert.Equal(ProxyVersions.Both, options.Versions);
        Assert.Equal(TimeSpan.FromSeconds(10), options.HeaderTimeout);
        Assert.Equal(4096, options.MaxHeaderLength);
        Assert.True(options.VerifyCrc32c);
    }

    [Fact]
    public void Every_bad_option_is_named_in_one_error_when_the_endpoint_is_configured()
    {
        var exception = Assert.Throws<ArgumentException>(() => Configure(options =>
        {
            options.Mode = (ProxyProtocolMode)7;
            options.Versions = (ProxyVersions)0;
            options.HeaderTimeout = Timeout.InfiniteTimeSpan;
            options.MaxHeaderLength = 70_000;
        }));

        Assert.Contains("Mode '7' is neither Required nor Optional", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Versions '0' is not V1, V2 or Both", exception.Message, StringComparison.Ordinal);
        Assert.Contains("HeaderTimeout '-00:00:00.0010000' must be positive and finite", exception.Message, StringComparison.Ordinal);
        Assert.Contains("MaxHeaderLength '70000' is not 0..65535", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_header_timeout_that_is_not_positive_is_refused(int seconds)
    {
        var exception = Assert.Throws<ArgumentException>(() => Configure(options => options.HeaderTimeout = TimeSpan.FromSeconds(seconds)));
        Assert.Contains("HeaderTimeout", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_options_after_configuration_changes_nothing()
    {
        using CancellationTokenSource deadline = Support.Deadline.Start();
        ProxyProtocolOptions? kept = null;
        using var endpoint = new Support.InMemoryEndpoint(options =>
        {
            options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.0/8"));
            kept = options;
        });
        kept!.TrustedNetworks.Clear(); // the endpoint froze a checked copy
        kept.Mode = ProxyProtocolMode.Optional;
        var connection = new Support.InMemoryConnection();
        connection.Send(Support.Headers.Concat(Support.Headers.V1(), "GET"u8.ToArray()));

        await endpoint.RunAsync(connection).WaitAsync(deadline.Token);

        Assert.Equal(Support.Headers.ReportedClient, connection.Context.RemoteEndPoint);
    }

    private static void Configure(Action<ProxyProtocolOptions> configure)
    {
        var kestrel = new KestrelServerOptions();
        kestrel.Listen(IPAddress.Loopback, 0, endpoint => endpoint.UseProxyProtocol(configure));
    }
}
