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
    /// <summary>The options, or null with every problem in <paramref name="problems"/>.</summary>
    public static TcpLbOptions? Read(IConfiguration configuration, ConfigProblems problems)
    {
        var root = new ConfigNode(configuration, string.Empty, problems);
        TcpLbOptions options = TcpLbOptions.Settings.Read(root, new TcpLbOptions { Listeners = [] });
        CheckAddressesAreDistinct(options.Listeners, problems);
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
