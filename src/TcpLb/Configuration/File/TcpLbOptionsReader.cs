using System.Net;
using Microsoft.Extensions.Configuration;
using TcpLb.Cli;

namespace TcpLb.Configuration.File;

/// <summary>
/// Reads a whole config file (already merged with its environment overrides) into <see cref="TcpLbOptions"/>:
/// the listeners, then the process settings (drain, logging, admin), then the checks across listeners.
/// </summary>
internal static class TcpLbOptionsReader
{
    /// <summary>The options, or null with every problem in <paramref name="problems"/>.</summary>
    public static TcpLbOptions? Read(IConfiguration configuration, ConfigProblems problems)
    {
        var root = new ConfigNode(configuration, string.Empty, problems);
        root.OnlyKeys(ConfigKeys.Root);
        ConfigNode listenersNode = root.Child("listeners");
        IReadOnlyList<ConfigNode> items = listenersNode.Items();
        if (items.Count == 0 && problems.Count == 0)
        {
            listenersNode.Problem("no listener: give at least one, e.g. - {listen: [\"127.0.0.1:8080\"], backends: [\"10.0.0.5:80\"]}");
        }

        List<ListenerOptions> listeners = [.. items.Select(ListenerOptionsReader.Read)];
        var defaults = new TcpLbOptions { Listeners = [] };
        var options = new TcpLbOptions
        {
            Listeners = listeners,
            DrainTimeout = root.Duration("drainTimeout", defaults.DrainTimeout),
            Logging = ReadLogging(root.Child("logging"), defaults.Logging),
            Admin = ReadAdmin(root.Child("admin"), defaults.Admin),
            Engine = new EngineOptions
            {
                Kind = root.Choice("engine", defaults.Engine.Kind, SettingWords.Engine),
                Threads = root.Get("threads", defaults.Engine.Threads, EngineRules.TryParseThreads),
            },
        };
        CheckAddressesAreDistinct(listeners, problems);
        return problems.Count == 0 ? options : null;
    }

    private static LoggingOptions ReadLogging(ConfigNode node, LoggingOptions defaults)
    {
        if (!node.IsMapping("{level: information, format: plain}"))
        {
            return defaults;
        }

        node.OnlyKeys(ConfigKeys.Logging);
        return defaults with
        {
            Level = node.Choice("level", defaults.Level, SettingWords.LogLevel),
            Format = node.Choice("format", defaults.Format, SettingWords.LogFormat),
            AccessLog = node.Bool("accessLog", defaults.AccessLog),
        };
    }

    private static AdminOptions ReadAdmin(ConfigNode node, AdminOptions defaults)
    {
        if (!node.IsMapping("{listen: \"127.0.0.1:9100\"}"))
        {
            return defaults;
        }

        node.OnlyKeys(ConfigKeys.Admin);
        return defaults with
        {
            Listen = node.Get("listen", defaults.Listen, CommandLineValues.TryParseListenEndPoint),
            Enabled = node.Bool("enabled", defaults.Enabled),
        };
    }

    // Two listeners on one address (or a wildcard and a specific address on one port) cannot both bind.
    private static void CheckAddressesAreDistinct(List<ListenerOptions> listeners, ConfigProblems problems)
    {
        var seen = new List<(IPEndPoint EndPoint, string Path)>();
        for (int l = 0; l < listeners.Count; l++)
        {
            for (int a = 0; a < listeners[l].Listen.Count; a++)
            {
                IPEndPoint endPoint = listeners[l].Listen[a];
                string path = $"listeners[{l}].listen[{a}]";
                foreach ((IPEndPoint other, string otherPath) in seen)
                {
                    if (endPoint.Port != 0 && Overlap(endPoint, other))
                    {
                        problems.Add(path, $"{endPoint} is already taken by {otherPath} ({other})");
                        break;
                    }
                }

                seen.Add((endPoint, path));
            }
        }
    }

    private static bool Overlap(IPEndPoint a, IPEndPoint b) =>
        a.Port == b.Port && (a.Address.Equals(b.Address) || Covers(a.Address, b.Address) || Covers(b.Address, a.Address));

    // [::] is dual-stack here (SocketListener), so it covers every address; 0.0.0.0 covers the IPv4 ones.
    private static bool Covers(IPAddress wildcard, IPAddress address) =>
        wildcard.Equals(IPAddress.IPv6Any) || (wildcard.Equals(IPAddress.Any) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
}
