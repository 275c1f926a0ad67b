using TcpLb.Configuration;

namespace TcpLb.Testing;

/// <summary>The engine a behaviour test runs on (public: xunit passes it to public test methods).</summary>
public enum Engine
{
    /// <summary>What <c>tcplb</c> runs by default: epoll on Linux.</summary>
    Default,

    /// <summary>The portable System.Net.Sockets engine.</summary>
    Sockets,

    /// <summary>The Linux event-loop engine.</summary>
    Epoll,
}

/// <summary>How a test engine maps to the balancer's setting and command line.</summary>
internal static class EngineExtensions
{
    public static EngineKind ToKind(this Engine engine) => engine switch
    {
        Engine.Sockets => EngineKind.Sockets,
        Engine.Epoll => EngineKind.Epoll,
        _ => EngineKind.Auto,
    };

    /// <summary>The <c>--engine</c> value for a <c>tcplb</c> process.</summary>
    public static string Flag(this Engine engine) => engine switch
    {
        Engine.Sockets => "sockets",
        Engine.Epoll => "epoll",
        _ => "auto",
    };
}
