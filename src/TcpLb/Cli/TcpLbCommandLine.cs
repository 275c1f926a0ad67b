using System.CommandLine;

namespace TcpLb.Cli;

/// <summary>The <c>tcplb</c> command tree (System.CommandLine gives <c>--help</c> and <c>--version</c>).</summary>
internal static class TcpLbCommandLine
{
    public static RootCommand Build() =>
        new("TcpLb: a raw TCP load balancer that forwards bytes untouched and prepends a PROXY protocol " +
            "header (v1 or v2) with the real client address, so HTTP routers behind it keep the client's IP " +
            "while WebSockets keep working.");
}
