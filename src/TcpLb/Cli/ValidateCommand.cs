using System.CommandLine;
using TcpLb.Configuration;
using TcpLb.Configuration.File;
using TcpLb.Routing;

namespace TcpLb.Cli;

/// <summary>
/// <c>tcplb validate FILE</c> or <c>tcplb validate --config FILE</c> (as <c>nginx -t -c FILE</c>): loads the file exactly as <c>tcplb run</c> and a
/// reload would, and prints every problem, one line each with its path in the file (exit code 1), or a one-line
/// summary (exit code 0).
/// </summary>
internal static class ValidateCommand
{
    public static Command Build()
    {
        Option<string?> config = ConfigFlag.Build();
        Argument<string?> file = new("FILE") { Arity = ArgumentArity.ZeroOrOne, Description = "The file to check, as with --config FILE (nginx -t -c FILE)." };
        var command = new Command("validate", $"Check a config file (default ./{ConfigFile.DefaultName}) and report every problem, with its path in the file.") { file, config };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (parsed.GetValue(file) is not null && parsed.GetValue(config) is not null)
            {
                await Console.Error.WriteLineAsync("tcplb: validate: give the file once, as FILE or as --config FILE").ConfigureAwait(false);
                return 2;
            }

            string path = parsed.GetValue(file) ?? parsed.GetValue(config) ?? ConfigFile.DefaultName;
            ConfigLoadResult loaded = ConfigFile.Load(path, check: RoutingCheck.Check);
            if (!loaded.IsValid)
            {
                foreach (string problem in loaded.Problems)
                {
                    await Console.Error.WriteLineAsync($"{path}: {problem}").ConfigureAwait(false);
                }

                await Console.Error.WriteLineAsync($"{path}: {Count(loaded.Problems.Count, "problem")}").ConfigureAwait(false);
                return 1;
            }

            await Console.Out.WriteLineAsync($"{path}: ok: {Summary(loaded.Options!)}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>"2 listeners, 5 backends, 1 DNS discovery"; with named pools "1 listener, 2 pools, 4 routes, 3 backends".</summary>
    public static string Summary(TcpLbOptions options)
    {
        IEnumerable<PoolOptions> pools = options.Listeners.Select(listener => listener.Pool).Concat(options.Pools);
        int backends = pools.Sum(pool => pool.Backends.Count);
        int discoveries = pools.Count(pool => pool.Discovery is not null);
        int routes = options.Listeners.Sum(listener => listener.Routes.Count);
        string named = options.Pools.Count == 0 ? string.Empty : $"{Count(options.Pools.Count, "pool")}, {Count(routes, "route")}, ";
        string summary = $"{Count(options.Listeners.Count, "listener")}, {named}{Count(backends, "backend")}";
        return discoveries == 0 ? summary : $"{summary}, {Count(discoveries, "DNS discovery", "DNS discoveries")}";
    }

    private static string Count(int count, string one, string? many = null) => count == 1 ? $"1 {one}" : $"{count} {many ?? one + "s"}";
}
