using System.CommandLine;
using System.Net;
using TcpLb.Configuration;

namespace TcpLb.Cli;

/// <summary>
/// The flags of the admin endpoint and the logs (<c>--admin-listen</c>, <c>--log-format</c>, <c>--access-log</c>),
/// shared by <c>tcplb run</c> and <c>tcplb demo</c>. A flag not given leaves the option as it was (its default,
/// or what a config file said).
/// </summary>
internal sealed class ObservabilityFlags
{
    private readonly Option<AdminOptions?> _adminListen;
    private readonly Option<LogFormat?> _logFormat;
    private readonly Option<Switch?> _accessLog;

    public ObservabilityFlags()
    {
        var defaults = new AdminOptions();
        _adminListen = new Option<AdminOptions?>("--admin-listen")
        {
            Description = $"The admin HTTP endpoint (/metrics, /healthz, /ready, /status): ADDR:PORT, or off. Default {defaults.Listen}.",
            HelpName = "ADDR:PORT|off",
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
                return null;
            },
        };
        _logFormat = Flags.Choice<LogFormat?>("--log-format", "Console log format: plain (one line per event, the default) or json (one JSON object per line).", null,
            ("plain", LogFormat.Plain), ("json", LogFormat.Json));
        _accessLog = Flags.Choice<Switch?>("--access-log", "One line per closed connection, on the TcpLb.Access log category: on (the default) or off.", null,
            ("on", Switch.On), ("off", Switch.Off));
        _logFormat.HelpName = "plain|json";
        _accessLog.HelpName = "on|off";
    }

    public IEnumerable<Option> All => [_adminListen, _logFormat, _accessLog];

    /// <summary>The process options with the flags given applied on top of <paramref name="options"/>.</summary>
    public TcpLbOptions Apply(TcpLbOptions options, ParseResult parsed) => options with
    {
        Admin = parsed.GetValue(_adminListen) ?? options.Admin,
        Logging = options.Logging with
        {
            Format = parsed.GetValue(_logFormat) ?? options.Logging.Format,
            AccessLog = parsed.GetValue(_accessLog) is { } accessLog ? accessLog == Switch.On : options.Logging.AccessLog,
        },
    };

    // Not a bool: System.CommandLine lets a bool option take only true/false as its value.
    private enum Switch
    {
        On,
        Off,
    }
}
