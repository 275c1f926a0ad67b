using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TcpLb.Admin;
using TcpLb.Configuration;
using TcpLb.Configuration.File;
using TcpLb.Hosting;
using TcpLb.Routing;

namespace TcpLb.Cli;

/// <summary>
/// <c>tcplb run</c>: one listener, its backends and PROXY settings, from flags; or everything from a config file
/// (<c>--config</c>, or <c>tcplb.yaml</c> when no flag is given). The flag names are a contract.
/// </summary>
internal static class RunCommand
{
    public static Command Build()
    {
        var listenerFlags = new FlagSet<ListenerOptions>(ListenerOptions.Settings.Flags(NewListener()));
        var processFlags = new FlagSet<TcpLbOptions>(TcpLbOptions.Settings.Flags(new TcpLbOptions { Listeners = [] }));
        Option<string?> config = ConfigFlag.Build();
        var command = new Command("run", "Forward TCP connections from --listen to --backend, adding a PROXY header; or run what --config FILE says.") { config };
        foreach (Option option in listenerFlags.Options.Concat(processFlags.Options))
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parsed, cancellationToken) =>
        {
            // The settings come either from a file or from flags, never both: which one wins would be a guess. The log and
            // admin flags are not settings of the listeners: they may also adjust what a config file says.
            string[] given = [.. listenerFlags.Given(parsed, overridingFile: false), .. processFlags.Given(parsed, overridingFile: false)];
            if (ConfigFlag.Choose(parsed, config, given, out string? configPath, out string? refusal) is { } exitCode)
            {
                await Console.Error.WriteLineAsync($"tcplb: {refusal}").ConfigureAwait(false);
                return exitCode;
            }

            if (configPath is not null)
            {
                return await RunFromFileAsync(configPath, process => processFlags.Apply(parsed, process, onlyOverridingFile: true), cancellationToken).ConfigureAwait(false);
            }

            // Problems across flags, reported like parse errors: one line each, exit code 2. The listener rules are the config file's.
            ListenerOptions listener = listenerFlags.Apply(parsed, NewListener());
            string[] problems =
            [
                .. listenerFlags.Conflicts(parsed),
                .. ListenerRules.Check(listener, listenerFlags.NameOf).Select(problem => $"{listenerFlags.NameOf(problem.Setting)}: {problem.Message}"),
                .. RoutingCheck.Check(listener, [], listenerFlags.NameOf).Select(problem => $"{listenerFlags.NameOf(problem.Path)}: {problem.Message}"),
            ];
            if (problems.Length > 0)
            {
                foreach (string problem in problems)
                {
                    await Console.Error.WriteLineAsync($"tcplb: {problem}").ConfigureAwait(false);
                }

                return 2;
            }

            return await RunAsync(processFlags.Apply(parsed, new TcpLbOptions { Listeners = [listener] }), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    // The listener the flags start from: every setting at its default, no address and no backend yet.
    private static ListenerOptions NewListener() => new() { Listen = [], Backends = [] };

    /// <summary>Runs what a config file says, reloading it on SIGHUP and on change; a bad file is refused with exit code 1.</summary>
    private static async Task<int> RunFromFileAsync(string path, Func<TcpLbOptions, TcpLbOptions> adjust, CancellationToken cancellationToken)
    {
        ConfigLoadResult loaded = ConfigFile.Load(path, check: RoutingCheck.Check);
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
    /// <param name="started">Called once every listener accepts (the demo prints what to try then, not before a failed start).</param>
    /// <param name="listenHint">What to add to the line when a listener address cannot be bound (the demo suggests another).</param>
    public static async Task<int> RunAsync(
        TcpLbOptions options, CancellationToken cancellationToken, string? reloadFrom = null, bool adminOptional = false,
        Action? started = null, Func<ListenAddressException, string>? listenHint = null)
    {
        using IHost host = TcpLbHost.Build(options, reloadFrom: reloadFrom, adminOptional: adminOptional);
        if (started is not null)
        {
            host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(started);
        }

        try
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (ListenAddressException exception)
        {
            await Console.Error.WriteLineAsync($"tcplb: {exception.Message}{listenHint?.Invoke(exception)}").ConfigureAwait(false);
            return 1;
        }
        catch (AdminEndpointException exception)
        {
            await Console.Error.WriteLineAsync($"tcplb: {exception.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
