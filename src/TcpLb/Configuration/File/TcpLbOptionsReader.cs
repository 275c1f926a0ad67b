using System.Net;
using Microsoft.Extensions.Configuration;
using TcpLb.Configuration.Settings;

namespace TcpLb.Configuration.File;

/// <summary>
/// Reads a whole config file (already merged with its environment overrides) into <see cref="TcpLbOptions"/> through
/// the settings the records declare (<see cref="TcpLbOptions.Settings"/>), then checks what spans listeners.
/// </summary>
internal static class TcpLbOptionsReader
{
    /// <summary>
    /// The options, or null with every problem in <paramref name="problems"/>. <paramref name="check"/> is what checks the
    /// whole configuration beyond its settings (the routes, compiled by a folder above this one); it runs even when a setting
    /// was wrong, so every problem is reported at once, each once (not where one was already reported), and it is told which
    /// settings were wrong, so it judges nothing by a value that is not the file's.
    /// </summary>
    public static TcpLbOptions? Read(IConfiguration configuration, ConfigProblems problems, OptionsCheck? check = null)
    {
        var root = new ConfigNode(configuration, string.Empty, problems);
        TcpLbOptions options = TcpLbOptions.Settings.Read(root, new TcpLbOptions { Listeners = [] });
        CheckAddressesAreDistinct(options.Listeners, problems);
        foreach (SettingProblem problem in PoolUsage.Check(options).Concat(check?.Invoke(options, problems.HasNear) ?? []))
        {
            if (!problems.HasNear(problem.Setting))
            {
                problems.Add(problem.Setting, problem.Message);
            }
        }

        return problems.Count == 0 ? options : null;
    }

    // Two listeners on one address (or a wildcard and a specific address on one port) cannot both bind.
    private static void CheckAddressesAreDistinct(IReadOnlyList<ListenerOptions> listeners, ConfigProblems problems)
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
