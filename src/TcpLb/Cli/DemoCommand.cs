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
        // The demo's own flags are the run command's, as declared by the settings: --listen, and those of the logs and the admin endpoint.
        var demo = new ListenerOptions { Listen = [new IPEndPoint(IPAddress.Loopback, 8080)], Backends = [], SendProxy = ProxySendMode.V2 };
        var listen = new FlagSet<ListenerOptions>(ListenerOptions.Settings.Flags(demo).Where(flag => flag.Name == "--listen"));
        var observability = new FlagSet<TcpLbOptions>(TcpLbOptions.Settings.Flags(new TcpLbOptions { Listeners = [] }).Where(flag => flag.OverridesFile));
        var command = new Command("demo", "Run TcpLb on 127.0.0.1:8080 in front of a built-in demo router that shows your address and echoes WebSockets.");
        foreach (Option option in listen.Options.Concat(observability.Options))
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parsed, cancellationToken) =>
        {
            (var router, IPEndPoint routerEndPoint) = await DemoRouter.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), LogLevel.Warning, cancellationToken).ConfigureAwait(false);
            await using (router.ConfigureAwait(false))
            {
                ListenerOptions options = listen.Apply(parsed, demo with { Backends = [new BackendOptions { Address = routerEndPoint }] });
                TcpLbOptions process = observability.Apply(parsed, new TcpLbOptions { Listeners = [options], DrainTimeout = TimeSpan.FromSeconds(5) });
                // What to try is printed once TcpLb accepts: a demo that cannot listen says so, and how to move it, instead.
                // The demo serves the admin endpoint too, but a taken port only costs the demo its /metrics: it runs on.
                return await RunCommand.RunAsync(process, cancellationToken, adminOptional: true,
                    started: () => Console.WriteLine(Banner(options.Listen[0], routerEndPoint, process.Admin)),
                    listenHint: failed => $"; give the demo another address: tcplb demo --listen {new IPEndPoint(failed.Address.Address, failed.Address.Port is 0 or 65535 ? 8081 : failed.Address.Port + 1)}")
                    .ConfigureAwait(false);
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
