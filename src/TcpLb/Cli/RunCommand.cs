using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TcpLb.Admin;
using TcpLb.Configuration;
using TcpLb.Configuration.File;
using TcpLb.Hosting;

namespace TcpLb.Cli;

/// <summary>
/// <c>tcplb run</c>: one listener, its backends and PROXY settings, from flags; or everything from a config file
/// (<c>--config</c>, or <c>tcplb.yaml</c> when no flag is given). The flag names are a contract.
/// </summary>
internal static class RunCommand
{
    public static Command Build()
    {
        var defaults = new TimeoutOptions();
        Option<IPEndPoint[]> listen = Flags.Many<IPEndPoint>("--listen", "Address to accept on: 127.0.0.1:8080, [::1]:8080, *:8080 (all, dual-stack). Repeatable.", CommandLineValues.TryParseListenEndPoint);
        Option<BackendOptions[]> backend = Flags.Many<BackendOptions>("--backend",
            "A router: 10.0.0.5:80, [fd00::5]:80 or router.local:80, optionally followed by ,weight=N ,max-conn=N ,slow-start=30s ,backup. Repeatable.",
            CommandLineValues.TryParseBackend);
        var pool = new PoolFlags();
        var observability = new ObservabilityFlags();
        var engine = new EngineFlags();
        Option<ProxySendMode> sendProxy = Flags.Choice("--send-proxy", "PROXY header sent to backends: v1 (every router), v2 (nginx >= 1.13.11, HAProxy, Envoy) or off.", ProxySendMode.Off,
            [.. SettingWords.SendProxy]);
        var sendCrc = new Option<bool>("--send-proxy-crc32c") { Description = "Add a CRC32C TLV to v2 headers sent." };
        Option<IPNetwork[]> acceptFrom = Flags.Many<IPNetwork>("--accept-proxy-from", "Upstream balancer network (CIDR) whose connections must start with a PROXY header. Repeatable.",
            CommandLineValues.TryParseNetwork);
        var allowDirect = new Option<bool>("--allow-direct") { Description = "With --accept-proxy-from: also serve other sources, as direct clients." };
        var forwardTlvs = new Option<bool>("--forward-tlvs") { Description = "Forward the v2 TLVs a trusted upstream sent (with --send-proxy v2)." };
        var maxHeader = new Option<int>("--max-proxy-header-length") { Description = "Largest v2 header length accepted from an upstream, 0..65535.", DefaultValueFactory = _ => new ListenerOptions { Listen = [], Backends = [] }.MaxProxyHeaderLength };
        Option<ConnectMode> connect = Flags.Choice("--connect", "When to dial the backend: on-first-bytes (client-first, default) or on-accept.", ConnectMode.OnFirstBytes,
            [.. SettingWords.Connect]);
        Option<TimeSpan> connectTimeout = Flags.Duration("--connect-timeout", "Time one backend has to accept before the next is tried.", defaults.Connect);
        Option<TimeSpan> firstBytesTimeout = Flags.Duration("--first-bytes-timeout", "Client-first: dial anyway after this long without client bytes.", defaults.FirstBytes);
        Option<TimeSpan> headerTimeout = Flags.Duration("--proxy-header-timeout", "Time a trusted upstream has to send its whole PROXY header.", defaults.ProxyHeader);
        Option<TimeSpan> clientIdle = Flags.Duration("--client-idle-timeout", "Close after this long without a byte from the client.", defaults.ClientIdle);
        Option<TimeSpan> backendIdle = Flags.Duration("--backend-idle-timeout", "Close after this long without a byte from the backend.", defaults.BackendIdle);
        Option<TimeSpan> halfClosed = Flags.Duration("--half-closed-timeout", "Once one side sent FIN, close if the other stays silent this long.", defaults.HalfClosed);
        Option<TimeSpan> drain = Flags.Duration("--drain-timeout", "On SIGTERM/SIGINT, time open connections get to finish.", new TcpLbOptions { Listeners = [] }.DrainTimeout);
        Option<LogLevel> logLevel = Flags.Choice("--log-level", "trace, debug, information, warning or error.", LogLevel.Information,
            [.. SettingWords.LogLevel]);
        Option<string?> config = ConfigFlag.Build();

        Option[] settingFlags =
        [
            listen, backend, sendProxy, sendCrc, acceptFrom, allowDirect, forwardTlvs, maxHeader, connect,
            connectTimeout, firstBytesTimeout, headerTimeout, clientIdle, backendIdle, halfClosed, drain, logLevel, .. pool.All,
        ];
        var command = new Command("run", "Forward TCP connections from --listen to --backend, adding a PROXY header; or run what --config FILE says.") { config };
        // The log, admin and engine flags are not settings of the listeners: they may also adjust what a config file says.
        foreach (Option option in settingFlags.Concat(observability.All).Concat(engine.All))
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parsed, cancellationToken) =>
        {
            // The settings come either from a file or from flags, never both: which one wins would be a guess.
            if (ConfigFlag.Choose(parsed, config, settingFlags, out string? configPath, out string? refusal) is { } exitCode)
            {
                await Console.Error.WriteLineAsync($"tcplb: {refusal}").ConfigureAwait(false);
                return exitCode;
            }

            if (configPath is not null)
            {
                return await RunFromFileAsync(configPath, process => engine.Apply(observability.Apply(process, parsed), parsed), cancellationToken).ConfigureAwait(false);
            }

            var options = new ListenerOptions
            {
                Listen = parsed.GetValue(listen) ?? [],
                Backends = parsed.GetValue(backend) ?? [],
                SendProxy = parsed.GetValue(sendProxy),
                SendProxyCrc32C = parsed.GetValue(sendCrc),
                AcceptProxyFrom = parsed.GetValue(acceptFrom) ?? [],
                AllowDirect = parsed.GetValue(allowDirect),
                ForwardTlvs = parsed.GetValue(forwardTlvs),
                MaxProxyHeaderLength = parsed.GetValue(maxHeader),
                Connect = parsed.GetValue(connect),
                Timeouts = new TimeoutOptions
                {
                    Connect = parsed.GetValue(connectTimeout),
                    FirstBytes = parsed.GetValue(firstBytesTimeout),
                    ProxyHeader = parsed.GetValue(headerTimeout),
                    ClientIdle = parsed.GetValue(clientIdle),
                    BackendIdle = parsed.GetValue(backendIdle),
                    HalfClosed = parsed.GetValue(halfClosed),
                },
            };
            // Problems across flags, reported like parse errors: one line each, exit code 2. The listener rules are the config file's.
            ListenerOptions listener = pool.Apply(options, parsed);
            string[] problems =
            [
                .. pool.Validate(parsed),
                .. ListenerRules.Check(listener, FlagNames.Of).Select(problem => $"{FlagNames.Of(problem.Setting)}: {problem.Message}"),
            ];
            if (problems.Length > 0)
            {
                foreach (string problem in problems)
                {
                    await Console.Error.WriteLineAsync($"tcplb: {problem}").ConfigureAwait(false);
                }

                return 2;
            }

            var process = new TcpLbOptions
            {
                Listeners = [listener],
                DrainTimeout = parsed.GetValue(drain),
                Logging = new LoggingOptions { Level = parsed.GetValue(logLevel) },
            };
            return await RunAsync(engine.Apply(observability.Apply(process, parsed), parsed), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Runs what a config file says, reloading it on SIGHUP and on change; a bad file is refused with exit code 1.</summary>
    private static async Task<int> RunFromFileAsync(string path, Func<TcpLbOptions, TcpLbOptions> adjust, CancellationToken cancellationToken)
    {
        ConfigLoadResult loaded = ConfigFile.Load(path);
        if (!loaded.IsValid)
        {
            foreach (string problem in loaded.Problems)
            {
                await Console.Error.WriteLineAsync($"tcplb: {path}: {problem}").ConfigureAwait(false);
            }

            return 1;
        }

        return await RunAsync(adjust(loaded.Options!), cancellationToken, reloadFrom: path).ConfigureAwait(false);
    }

    /// <summary>Runs until SIGTERM/SIGINT; exit code 1 with a one-line reason when a listener or the admin endpoint cannot bind.</summary>
    /// <param name="reloadFrom">The config file the options came from, reloaded on SIGHUP and on change; null for flags.</param>
    /// <param name="adminOptional">When the admin address is taken, warn and run on (the demo) instead of failing the start.</param>
    public static async Task<int> RunAsync(TcpLbOptions options, CancellationToken cancellationToken, string? reloadFrom = null, bool adminOptional = false)
    {
        using IHost host = TcpLbHost.Build(options, reloadFrom: reloadFrom, adminOptional: adminOptional);
        try
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (SocketException exception)
        {
            await Console.Error.WriteLineAsync($"tcplb: cannot listen: {exception.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (AdminEndpointException exception)
        {
            await Console.Error.WriteLineAsync($"tcplb: {exception.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
