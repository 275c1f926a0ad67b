using System.Net;
using TcpLb.Configuration;
using TcpLb.Configuration.Settings;
using Xunit;

namespace TcpLb.UnitTests.Configuration;

/// <summary>
/// What the settings' declarations give beyond reading the file: the reload line from what to what, flags that name
/// real settings, values that read back what they write.
/// </summary>
public sealed class SettingDeclarationsTests
{
    private static readonly ListenerOptions s_before = new()
    {
        Listen = [IPEndPoint.Parse("127.0.0.1:8080")],
        Backends = [new BackendOptions { Address = IPEndPoint.Parse("10.0.0.5:80") }, new BackendOptions { Address = IPEndPoint.Parse("10.0.0.6:80") }],
        SendProxy = ProxySendMode.V1,
    };

    [Fact]
    public void A_reload_says_each_listener_setting_that_changed_from_what_to_what()
    {
        ListenerOptions after = s_before with
        {
            Backends = [new BackendOptions { Address = IPEndPoint.Parse("10.0.0.5:80"), Weight = 3 }, new BackendOptions { Address = new DnsEndPoint("router.local", 80) }],
            SendProxy = ProxySendMode.V2,
            AcceptProxyFrom = [IPNetwork.Parse("10.1.0.0/16")],
            Timeouts = new TimeoutOptions { Connect = TimeSpan.FromSeconds(2) },
            HealthCheck = new HealthCheckOptions { SendProxy = ProxySendMode.V1 },
            Discovery = new DnsDiscoveryOptions { Name = "routers.svc", Port = 80 },
        };

        string[] changes = [.. ListenerOptions.Settings.Changes(s_before, after).Select(change => change.ToString())];

        Assert.Equal(
            [
                "+backend router.local:80",
                "-backend 10.0.0.6:80 (draining)",
                "backend 10.0.0.5:80 weight 1 -> 3",
                "healthCheck.sendProxy (as sendProxy) -> v1",
                "dns off -> routers.svc:80",
                "sendProxy v1 -> v2",
                "acceptProxyFrom [] -> [10.1.0.0/16]",
                "timeouts.connect 5s -> 2s",
            ],
            changes);
        Assert.Empty(ListenerOptions.Settings.Changes(s_before, s_before with { }));
    }

    [Fact]
    public void A_reload_says_a_process_setting_it_cannot_apply_waits_for_a_restart()
    {
        var before = new TcpLbOptions { Listeners = [s_before] };
        TcpLbOptions after = before with { DrainTimeout = TimeSpan.FromMinutes(1), Logging = new LoggingOptions { AccessLog = false } };

        Assert.Equal(
            ["drainTimeout 30s -> 1m (takes effect on restart)", "logging.accessLog on -> off (takes effect on restart)"],
            TcpLbOptions.Settings.Changes(before, after).Select(change => change.ToString()));
    }

    [Fact]
    public void Every_flag_sets_a_setting_the_file_has()
    {
        string[] paths = [.. ListenerOptions.Settings.Paths()];
        SettingFlag<ListenerOptions>[] flags = [.. ListenerOptions.Settings.Flags(new ListenerOptions { Listen = [], Backends = [] })];

        Assert.NotEmpty(flags);
        Assert.All(flags, flag => Assert.Contains(paths, path => path == flag.Setting || path.StartsWith(flag.Setting + ".", StringComparison.Ordinal)));
        Assert.Equal(flags.Length, flags.Select(flag => flag.Name).Distinct().Count());
    }

    [Theory]
    [InlineData("10.0.0.5:80")]
    [InlineData("router.local:8080,weight=3,max-conn=500,slow-start=30s,backup")]
    [InlineData("[fd00::5]:80,backup")]
    public void The_backend_short_form_reads_back_what_it_writes(string text)
    {
        Assert.True(BackendOptions.ShortForm.TryParse(text, out BackendOptions? backend, out _));

        Assert.Equal(text, BackendOptions.ShortForm.Format(backend));
    }

    [Theory]
    [InlineData("250ms")]
    [InlineData("1500ms")]
    [InlineData("5s")]
    [InlineData("90s")]
    [InlineData("2m")]
    [InlineData("1h")]
    [InlineData("1d")]
    public void A_duration_reads_back_as_written(string text)
    {
        Assert.True(SettingValues.Duration.TryParse(text, out TimeSpan duration, out _));

        Assert.Equal(text, SettingValues.Duration.Format(duration));
    }

    [Theory]
    [InlineData("0", "must be at least 1")]
    [InlineData("x", "'x' is not a whole number")]
    public void A_count_below_its_least_is_refused_with_the_same_sentence_everywhere(string text, string expected)
    {
        Assert.False(SettingValues.Count(1).TryParse(text, out _, out string error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
