using System.CommandLine;
using System.Net;
using TcpLb.Configuration;

namespace TcpLb.Cli;

/// <summary>The <c>tcplb run</c> flags of the admin endpoint and the logs: <c>--admin-listen</c>, <c>--log-format</c>, <c>--access-log</c>.</summary>
internal sealed class ObservabilityFlags
{
    private readonly Option<AdminOptions> _adminListen;
    private readonly Option<LogFormat> _logFormat;
    private readonly Option<Switch> _accessLog;

    public ObservabilityFlags()
    {
        var defaults = new AdminOptions();
        _adminListen = new Option<AdminOptions>("--admin-listen")
        {
            Description = $"The admin HTTP endpoint (/metrics, /healthz, /ready, /status): ADDR:PORT, or off. Default {defaults.Listen}.",
            DefaultValueFactory = _ => defaults,
            CustomParser = result =>
            {
                string text = result.Tokens[0].Value;
                if (string.Equals(text, "off", StringComparison.OrdinalIgnoreCase))
                {
                    return defaults with { Enabled = false };
                }

                if (CommandLineValues.TryParseListenEndPoint(text, out IPEndPoint? endPoint, out string error))
                {
                    return defaults with { Listen = endPoint };
                }

                result.AddError($"--admin-listen: {error}, or off");
                return defaults;
            },
        };
        _logFormat = Flags.Choice("--log-format", "Console log format: plain (one line per event) or json (one JSON object per line).", LogFormat.Plain,
            ("plain", LogFormat.Plain), ("json", LogFormat.Json));
        _accessLog = Flags.Choice("--access-log", "One line per closed connection on the TcpLb.Access category: on or off. Default on.", Switch.On,
            ("on", Switch.On), ("off", Switch.Off));
    }

    public IEnumerable<Option> All => [_adminListen, _logFormat, _accessLog];

    /// <summary>The process options with these flags applied on top of <paramref name="options"/>.</summary>
    public TcpLbOptions Apply(TcpLbOptions options, ParseResult parsed) => options with
    {
        Admin = parsed.GetValue(_adminListen)!,
        Logging = options.Logging with { Format = parsed.GetValue(_logFormat), AccessLog = parsed.GetValue(_accessLog) == Switch.On },
    };

    // Not a bool: System.CommandLine lets a bool option take only true/false as its value.
    private enum Switch
    {
        On,
        Off,
    }
}
