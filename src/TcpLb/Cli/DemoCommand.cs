using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;
using TcpLb.Demo;

namespace TcpLb.Cli;

/// <summary><c>tcplb demo</c>: TcpLb and a built-in router that reads its PROXY v2 header, in one process.</summary>
internal static class DemoCommand
{
    public static Command Build()
    {
        Option<IPEndPoint[]> listen = Flags.Many<IPEndPoint>("--listen", "Where TcpLb listens. Default 127.0.0.1:8080.", CommandLineValues.TryParseListenEndPoint);
        var observability = new ObservabilityFlags();
        var command = new Command("demo", "Run TcpLb on 127.0.0.1:8080 in front of a built-in demo router that shows your address and echoes WebSockets.")
        {
            listen,
        };
        foreach (Option option in observability.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parsed, cancellationToken) =>
        {
            IPEndPoint[] endPoints = parsed.GetValue(listen) is { Length: > 0 } given ? given : [new IPEndPoint(IPAddress.Loopback, 8080)];
            (var router, IPEndPoint routerEndPoint) = await DemoRouter.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), LogLevel.Warning, cancellationToken).ConfigureAwait(false);
            await using (router.ConfigureAwait(false))
            {
                var options = new ListenerOptions { Listen = endPoints, Backends = [new BackendOptions { Address = routerEndPoint }], SendProxy = ProxySendMode.V2 };
                TcpLbOptions process = observability.Apply(new TcpLbOptions { Listeners = [options], DrainTimeout = TimeSpan.FromSeconds(5) }, parsed);
                Console.WriteLine(Banner(endPoints[0], routerEndPoint, process.Admin));
                // The demo serves the admin endpoint too, but a taken port only costs the demo its /metrics: it runs on.
                return await RunCommand.RunAsync(process, cancellationToken, adminOptional: true).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static string Banner(IPEndPoint tcplb, IPEndPoint router, AdminOptions admin)
    {
        string metrics = admin.Enabled
            ? $"\n  curl http://{admin.Listen}/metrics      (Prometheus metrics; also /status, /ready, /healthz; or: tcplb status --admin {admin.Listen})"
            : string.Empty;
        string url = $"http://{(tcplb.Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : tcplb.Address.ToString())}:{tcplb.Port}";
        return $"""
            TcpLb demo
              TcpLb      {tcplb}  ->  demo router {router}, sending a PROXY v2 header first
              the router reads the header with TcpLb.ProxyProtocol and serves / (who you are) and /ws (WebSocket echo)

            Try:
              open {url}/ in a browser
              curl {url}/
              curl --interface 127.0.0.2 {url}/        (another client address: the router sees 127.0.0.2)
              websocat {url.Replace("http", "ws", StringComparison.Ordinal)}/ws              (type a line, get it back){metrics}

            Ctrl+C stops it.
            """;
    }
}
