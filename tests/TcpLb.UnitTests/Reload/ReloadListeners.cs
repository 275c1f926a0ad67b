using System.Net;
using TcpLb.Configuration;

namespace TcpLb.UnitTests.Reload;

/// <summary>Listener options for reload tests, where each listener's address matters (reloads match listeners by address).</summary>
internal static class ReloadListeners
{
    /// <summary>A listener on <paramref name="listen"/> (port 0: any) in front of <paramref name="backends"/>; everything else default.</summary>
    public static ListenerOptions On(string listen, params IPEndPoint[] backends) => new()
    {
        Listen = [IPEndPoint.Parse(listen)],
        Backends = [.. backends.Select(address => new BackendOptions { Address = address })],
    };
}
