using System.CommandLine;
using System.Net;
using TcpLb.Balancing;
using TcpLb.Configuration;

namespace TcpLb.Cli;

/// <summary>The <c>tcplb run</c> flags of the pool: balancing, limits, health checks, DNS discovery.</summary>
internal sealed class PoolFlags
{
    private readonly Option<string> _balance;
    private readonly Option<int> _retries;
    private readonly Option<int> _maxConnections;
    private readonly Option<int> _maxQueue;
    private readonly Option<TimeSpan> _queueTimeout;
    private readonly Option<HealthCheckKind> _check;
    private readonly Option<string> _checkPath;
    private readonly Option<TimeSpan> _checkInterval;
    private readonly Option<TimeSpan> _checkTimeout;
    private readonly Option<int> _checkRise;
    private readonly Option<int> _checkFall;
    private readonly Option<int> _checkPort;
    private readonly Option<ProxySendMode?> _checkSendProxy;
    private readonly Option<int> _passiveFailures;
    private readonly Option<TimeSpan> _passiveEjection;
    private readonly Option<string?> _dns;
    private readonly Option<string?> _dnsSrv;
    private readonly Option<TimeSpan> _dnsInterval;

    public PoolFlags()
    {
        var listener = new ListenerOptions { Listen = [], Backends = [] };
        var health = new HealthCheckOptions();
        var passive = new PassiveHealthOptions();
        _balance = new Option<string>("--balance")
        {
            Description = $"Balancing policy: {string.Join(", ", BalancingPolicyNames.All)}. Default {BalancingPolicyNames.Default} (WebSockets are long-lived).",
            DefaultValueFactory = _ => BalancingPolicyNames.Default,
        };
        _balance.Validators.Add(result =>
        {
            string name = result.GetValueOrDefault<string>();
            if (!BalancingPolicyNames.All.Contains(name))
            {
                result.AddError($"--balance: '{name}' is not one of {string.Join(", ", BalancingPolicyNames.All)}");
            }
        });
        _retries = Count("--retries", "Other backends tried after a refused or timed-out connect.", listener.Retries);
        _maxConnections = Count("--max-connections", "Most connections the listener holds; more wait in the kernel backlog. 0 = no limit.", listener.MaxConnections);
        _maxQueue = Count("--max-queue", "Connections that may wait when every healthy backend is at its max-conn.", listener.MaxQueue);
        _queueTimeout = Flags.Duration("--queue-timeout", "How long a connection may wait in that queue.", listener.QueueTimeout);
        _check = Flags.Choice("--health-check", "Active checks: none, tcp (connect) or http (GET --health-path).", HealthCheckKind.None, [.. SettingWords.HealthCheck]);
        _checkPath = new Option<string>("--health-path") { Description = "HTTP checks: the path.", DefaultValueFactory = _ => health.HttpPath };
        _checkInterval = Flags.Duration("--health-interval", "Time between checks of a backend (jittered by 10 %).", health.Interval);
        _checkTimeout = Flags.Duration("--health-timeout", "How long one check may take.", health.Timeout);
        _checkRise = Count("--health-rise", "Successes in a row that bring a backend up.", health.Rise);
        _checkFall = Count("--health-fall", "Failures in a row that take a backend down.", health.Fall);
        _checkPort = Count("--health-port", "Check this port instead of the backend's, without a PROXY header (the Deis router's 9090). 0 = the backend's.", health.Port);
        _checkSendProxy = Flags.Choice<ProxySendMode?>("--health-send-proxy", "Header checks send first: v2 (LOCAL), v1 (UNKNOWN) or off. Default: as --send-proxy.", null,
            [.. SettingWords.SendProxy.Select(choice => (choice.Word, (ProxySendMode?)choice.Value))]);
        _passiveFailures = Count("--passive-failures", "Connect failures or resets in a row that eject a backend. 0 = no passive checks.", passive.ConsecutiveFailures);
        _passiveEjection = Flags.Duration("--passive-ejection", "First ejection's length; it doubles while the backend keeps failing.", passive.BaseEjection);
        _dns = new Option<string?>("--dns") { Description = "Backends from the A/AAAA records of NAME:PORT, re-resolved every --dns-interval." };
        _dnsSrv = new Option<string?>("--dns-srv") { Description = "Backends from the SRV records of NAME (ports and weights from the records)." };
        _dnsInterval = Flags.Duration("--dns-interval", "How often DNS is resolved again.", new DnsDiscoveryOptions { Name = string.Empty }.Interval);
    }

    public IEnumerable<Option> All =>
    [
        _balance, _retries, _maxConnections, _maxQueue, _queueTimeout,
        _check, _checkPath, _checkInterval, _checkTimeout, _checkRise, _checkFall, _checkPort, _checkSendProxy,
        _passiveFailures, _passiveEjection, _dns, _dnsSrv, _dnsInterval,
    ];

    /// <summary>
    /// Problems between the DNS flags, one sentence each, checked once every value parsed. The rules of the built
    /// listener (the same as the config file's) are <see cref="ListenerRules"/>.
    /// </summary>
    public IEnumerable<string> Validate(ParseResult result)
    {
        string? dns = result.GetValue(_dns);
        if (dns is not null)
        {
            if (!CommandLineValues.TryParseBackendEndPoint(dns, out EndPoint? endPoint, out string error))
            {
                yield return $"--dns: {error}";
            }
            else if (endPoint is not DnsEndPoint)
            {
                yield return $"--dns: '{dns}' is an address, not a name to resolve; use --backend";
            }
        }

        if (dns is not null && result.GetValue(_dnsSrv) is not null)
        {
            yield return "--dns-srv: give either --dns or --dns-srv, not both";
        }
    }

    public ListenerOptions Apply(ListenerOptions options, ParseResult parsed) => options with
    {
        Balance = parsed.GetValue(_balance)!,
        Retries = parsed.GetValue(_retries),
        MaxConnections = parsed.GetValue(_maxConnections),
        MaxQueue = parsed.GetValue(_maxQueue),
        QueueTimeout = parsed.GetValue(_queueTimeout),
        HealthCheck = new HealthCheckOptions
        {
            Kind = parsed.GetValue(_check),
            HttpPath = parsed.GetValue(_checkPath)!,
            Interval = parsed.GetValue(_checkInterval),
            Timeout = parsed.GetValue(_checkTimeout),
            Rise = parsed.GetValue(_checkRise),
            Fall = parsed.GetValue(_checkFall),
            Port = parsed.GetValue(_checkPort),
            SendProxy = parsed.GetValue(_checkSendProxy),
        },
        PassiveHealth = new PassiveHealthOptions
        {
            ConsecutiveFailures = parsed.GetValue(_passiveFailures),
            BaseEjection = parsed.GetValue(_passiveEjection),
        },
        Discovery = Discovery(parsed),
    };

    private DnsDiscoveryOptions? Discovery(ParseResult parsed)
    {
        TimeSpan interval = parsed.GetValue(_dnsInterval);
        if (parsed.GetValue(_dnsSrv) is { } srv)
        {
            return new DnsDiscoveryOptions { Name = srv, Srv = true, Interval = interval };
        }

        if (parsed.GetValue(_dns) is { } dns && CommandLineValues.TryParseBackendEndPoint(dns, out EndPoint? endPoint, out _) && endPoint is DnsEndPoint name)
        {
            return new DnsDiscoveryOptions { Name = name.Host, Port = name.Port, Interval = interval };
        }

        return null;
    }

    private static Option<int> Count(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = $"{description} Default {defaultValue}.", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError($"{name}: '{result.GetValueOrDefault<int>()}' must be 0 or more");
            }
        });
        return option;
    }
}
