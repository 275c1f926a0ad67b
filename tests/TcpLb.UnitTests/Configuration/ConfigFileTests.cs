using System.Collections;
using System.Net;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;
using TcpLb.Configuration.File;
using Xunit;

namespace TcpLb.UnitTests.Configuration;

/// <summary>A config file maps onto the options records: every setting, YAML and JSON alike, with environment overrides.</summary>
public sealed class ConfigFileTests
{
    private const string Full = """
        drainTimeout: 45s
        logging: {level: debug, format: json, accessLog: false}
        admin: {listen: "127.0.0.1:9200", enabled: false}
        listeners:
          - listen: ["127.0.0.1:8080", "[::1]:8080"]
            backends:
              - {address: "10.0.0.5:80", weight: 2, maxConnections: 100, slowStart: 30s, backup: false}
              - "10.0.0.6:80,weight=3,backup"
              - address: router.local:8080
            balance: round-robin
            retries: 1
            maxConnections: 500
            maxQueue: 10
            queueTimeout: 2s
            sendProxy: v2
            sendProxyCrc32c: true
            acceptProxyFrom: ["10.1.0.0/16", "2001:db8::/32"]
            allowDirect: true
            forwardTlvs: true
            maxProxyHeaderLength: 1024
            connect: on-accept
            tcpKeepalive: 2m
            timeouts: {connect: 1s, firstBytes: 2s, proxyHeader: 3s, clientIdle: 4m, backendIdle: 5m, halfClosed: 6s}
            healthCheck: {kind: http, path: /ready, interval: 3s, jitter: 0.2, timeout: 500ms, rise: 4, fall: 5, port: 9090, sendProxy: v1, expectStatusMin: 200, expectStatusMax: 299}
            passiveHealth: {failures: 7, window: 1m, ejection: 20s, maxEjection: 10m}
            dns: {name: routers.svc.cluster.local, port: 80, srv: false, interval: 15s, backend: {weight: 4, maxConnections: 50, slowStart: 10s, backup: true}}
          - listen: "*:9000"
            backends: ["127.0.0.1:9001"]
        """;

    private static readonly ListenerOptions s_expectedFirst = new()
    {
        Listen = [IPEndPoint.Parse("127.0.0.1:8080"), IPEndPoint.Parse("[::1]:8080")],
        Backends =
        [
            new BackendOptions { Address = IPEndPoint.Parse("10.0.0.5:80"), Weight = 2, MaxConnections = 100, SlowStart = TimeSpan.FromSeconds(30) },
            new BackendOptions { Address = IPEndPoint.Parse("10.0.0.6:80"), Weight = 3, Backup = true },
            new BackendOptions { Address = new DnsEndPoint("router.local", 8080) },
        ],
        Balance = "round-robin",
        Retries = 1,
        MaxConnections = 500,
        MaxQueue = 10,
        QueueTimeout = TimeSpan.FromSeconds(2),
        SendProxy = ProxySendMode.V2,
        SendProxyCrc32C = true,
        AcceptProxyFrom = [IPNetwork.Parse("10.1.0.0/16"), IPNetwork.Parse("2001:db8::/32")],
        AllowDirect = true,
        ForwardTlvs = true,
        MaxProxyHeaderLength = 1024,
        Connect = ConnectMode.OnAccept,
        TcpKeepalive = TimeSpan.FromMinutes(2),
        Timeouts = new TimeoutOptions
        {
            Connect = TimeSpan.FromSeconds(1), FirstBytes = TimeSpan.FromSeconds(2), ProxyHeader = TimeSpan.FromSeconds(3),
            ClientIdle = TimeSpan.FromMinutes(4), BackendIdle = TimeSpan.FromMinutes(5), HalfClosed = TimeSpan.FromSeconds(6),
        },
        HealthCheck = new HealthCheckOptions
        {
            Kind = HealthCheckKind.Http, HttpPath = "/ready", Interval = TimeSpan.FromSeconds(3), Jitter = 0.2, Timeout = TimeSpan.FromMilliseconds(500),
            Rise = 4, Fall = 5, Port = 9090, SendProxy = ProxySendMode.V1, ExpectStatusMin = 200, ExpectStatusMax = 299,
        },
        PassiveHealth = new PassiveHealthOptions
        {
            ConsecutiveFailures = 7, Window = TimeSpan.FromMinutes(1), BaseEjection = TimeSpan.FromSeconds(20), MaxEjection = TimeSpan.FromMinutes(10),
        },
        Discovery = new DnsDiscoveryOptions
        {
            Name = "routers.svc.cluster.local", Port = 80, Interval = TimeSpan.FromSeconds(15),
            Template = new BackendOptions { Address = new IPEndPoint(IPAddress.None, 0), Weight = 4, MaxConnections = 50, SlowStart = TimeSpan.FromSeconds(10), Backup = true },
        },
    };

    [Fact]
    public void Every_setting_of_a_yaml_file_reaches_the_records()
    {
        ConfigLoadResult loaded = ConfigText.Load(Full);

        Assert.Empty(loaded.Problems);
        TcpLbOptions options = loaded.Options!;
        Assert.Equal(TimeSpan.FromSeconds(45), options.DrainTimeout);
        Assert.Equal(new LoggingOptions { Level = LogLevel.Debug, Format = LogFormat.Json, AccessLog = false }, options.Logging);
        Assert.Equal(new AdminOptions { Listen = IPEndPoint.Parse("127.0.0.1:9200"), Enabled = false }, options.Admin);
        Assert.Equal(2, options.Listeners.Count);
        AssertSame(s_expectedFirst, options.Listeners[0]);
        AssertSame(new ListenerOptions { Listen = [new IPEndPoint(IPAddress.IPv6Any, 9000)], Backends = [new BackendOptions { Address = IPEndPoint.Parse("127.0.0.1:9001") }] }, options.Listeners[1]);
    }

    [Fact]
    public void A_json_file_with_the_same_settings_gives_the_same_options()
    {
        const string json = """
            {
              "listeners": [
                { "listen": ["127.0.0.1:8080"], "backends": [{ "address": "10.0.0.5:80", "weight": 2 }], "balance": "random",
                  "timeouts": { "connect": "1s" } }
              ],
              "drainTimeout": "10s"
            }
            """;
        const string yaml = """
            listeners:
              - listen: ["127.0.0.1:8080"]
                backends: [{address: "10.0.0.5:80", weight: 2}]
                balance: random
                timeouts: {connect: 1s}
            drainTimeout: 10s
            """;

        ConfigLoadResult fromJson = ConfigText.Load(json, ".json");
        ConfigLoadResult fromYaml = ConfigText.Load(yaml);

        Assert.Empty(fromJson.Problems);
        Assert.Empty(fromYaml.Problems);
        AssertSame(fromYaml.Options!.Listeners[0], fromJson.Options!.Listeners[0]);
        Assert.Equal(TimeSpan.FromSeconds(10), fromJson.Options.DrainTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), fromJson.Options.Listeners[0].Timeouts.Connect);
    }

    [Fact]
    public void Environment_variables_with_the_TCPLB_prefix_override_the_file()
    {
        var environment = new Hashtable
        {
            ["TCPLB__LISTENERS__0__BALANCE"] = "round-robin",
            ["TCPLB__LISTENERS__0__TIMEOUTS__CONNECT"] = "250ms",
            ["TCPLB__DRAINTIMEOUT"] = "1m",
            ["OTHER__LISTENERS__0__BALANCE"] = "random", // not ours
        };

        ConfigLoadResult loaded = ConfigText.Load("listeners: [{listen: \"127.0.0.1:8080\", backends: [\"10.0.0.5:80\"], balance: random}]", environment: environment);

        Assert.Empty(loaded.Problems);
        Assert.Equal("round-robin", loaded.Options!.Listeners[0].Balance);
        Assert.Equal(TimeSpan.FromMilliseconds(250), loaded.Options.Listeners[0].Timeouts.Connect);
        Assert.Equal(TimeSpan.FromMinutes(1), loaded.Options.DrainTimeout);
    }

    [Fact]
    public void A_bad_environment_override_is_reported_with_its_path_like_a_bad_file_value()
    {
        var environment = new Hashtable { ["TCPLB__LISTENERS__0__RETRIES"] = "many", ["TCPLB__LISTENERS__0__RETRYS"] = "1" };

        ConfigLoadResult loaded = ConfigText.Load("listeners: [{listen: \"127.0.0.1:8080\", backends: [\"10.0.0.5:80\"]}]", environment: environment);

        Assert.Null(loaded.Options);
        Assert.Equal(["listeners[0].RETRYS: unknown setting; did you mean retries?", "listeners[0].retries: 'many' is not a whole number"], loaded.Problems);
    }

    [Fact]
    public void Absent_settings_take_the_records_defaults()
    {
        ConfigLoadResult loaded = ConfigText.Load("listeners:\n  - listen: \"127.0.0.1:8080\"\n    backends: [\"10.0.0.5:80\"]\n");

        Assert.Empty(loaded.Problems);
        var defaults = new TcpLbOptions { Listeners = [] };
        Assert.Equal(defaults.DrainTimeout, loaded.Options!.DrainTimeout);
        Assert.Equal(defaults.Logging, loaded.Options.Logging);
        Assert.Equal(defaults.Admin, loaded.Options.Admin);
        AssertSame(new ListenerOptions { Listen = [IPEndPoint.Parse("127.0.0.1:8080")], Backends = [new BackendOptions { Address = IPEndPoint.Parse("10.0.0.5:80") }] }, loaded.Options.Listeners[0]);
    }

    // Records compare lists by reference; the running server's own comparison says whether two listeners hold the same settings.
    internal static void AssertSame(ListenerOptions expected, ListenerOptions actual)
    {
        Assert.Equal(expected.Listen, actual.Listen);
        Assert.Equal(expected.Backends, actual.Backends);
        Assert.Equal(expected.AcceptProxyFrom, actual.AcceptProxyFrom);
        Assert.Equal(expected.Routes, actual.Routes);
        Assert.Equal(expected.ProxyTlvs, actual.ProxyTlvs);
        Assert.Equal(expected with { Listen = actual.Listen, Backends = actual.Backends, AcceptProxyFrom = actual.AcceptProxyFrom, Routes = actual.Routes, ProxyTlvs = actual.ProxyTlvs }, actual);
        Assert.True(ListenerOptions.SameSettings(expected, actual));
    }
}
