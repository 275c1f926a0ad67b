using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TcpLb.Admin;
using TcpLb.Configuration;
using TcpLb.Configuration.Settings;

namespace TcpLb.Cli;

/// <summary><c>tcplb status</c>: asks a running tcplb's admin endpoint for <c>/status</c> and prints it as a table.</summary>
internal static class StatusCommand
{
    public static Command Build()
    {
        Option<IPEndPoint> admin = new("--admin")
        {
            Description = $"The admin endpoint of the tcplb to ask (its --admin-listen). Default 127.0.0.1:{AdminOptions.DefaultPort}.",
            DefaultValueFactory = _ => new IPEndPoint(IPAddress.Loopback, AdminOptions.DefaultPort),
            CustomParser = result =>
            {
                if (SettingValues.ListenEndPoint.TryParse(result.Tokens[0].Value, out IPEndPoint? endPoint, out string error) && endPoint.Port != 0)
                {
                    return endPoint;
                }

                result.AddError($"--admin: {(error.Length > 0 ? error : "port 0 is not an address to ask")}");
                return null;
            },
        };
        Option<string?> tokenFile = new("--admin-token-file")
        {
            Description = $"A file holding the admin endpoint's bearer token (its admin.tokenFile); or set {AdminToken.Variable}.",
            HelpName = "PATH",
        };
        Option<bool> ready = new("--ready")
        {
            Description = "Ask /ready instead: print why, and exit 0 only when that tcplb is ready (an exec readiness probe).",
        };
        var command = new Command("status", "Show a running tcplb's listeners, pools and backends (health, connections), read from its admin endpoint.")
        {
            admin, tokenFile, ready,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (!AdminToken.TryLoad(parsed.GetValue(tokenFile), Environment.GetEnvironmentVariable(AdminToken.Variable), out string? token, out string tokenError))
            {
                await Console.Error.WriteLineAsync($"tcplb: {tokenError}").ConfigureAwait(false);
                return 2;
            }

            IPEndPoint target = parsed.GetValue(admin)!;
            bool askReady = parsed.GetValue(ready);
            var url = new Uri($"http://{target}/{(askReady ? "ready" : "status")}");
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            if (token is not null)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            try
            {
                using HttpResponseMessage response = await client.GetAsync(url, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    await Console.Error.WriteLineAsync(token is null
                        ? $"tcplb: {url} requires the admin token: pass --admin-token-file PATH or set {AdminToken.Variable}"
                        : $"tcplb: {url} refused the admin token given (401): is it that tcplb's admin.tokenFile or {AdminToken.Variable}?").ConfigureAwait(false);
                    return 1;
                }

                if (askReady)
                {
                    // 200 ready, 503 not ready (the body says why): both are answers, only the first is success.
                    string answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    Console.Write(answer);
                    return response.StatusCode == HttpStatusCode.OK ? 0 : 1;
                }

                response.EnsureSuccessStatusCode();
                await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                StatusReport? report = await JsonSerializer.DeserializeAsync(body, AdminJsonContext.Default.StatusReport, cancellationToken).ConfigureAwait(false);
                if (report is null)
                {
                    await Console.Error.WriteLineAsync($"tcplb: {url} answered with an empty status").ConfigureAwait(false);
                    return 1;
                }

                Console.Write(Format(report));
                return 0;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
            {
                string why = exception is TaskCanceledException ? "no answer within 5 s" : exception.Message;
                await Console.Error.WriteLineAsync(
                    $"tcplb: no tcplb status at {url}: {why} (is tcplb running with its admin endpoint there? pass --admin ADDR:PORT)").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    /// <summary>
    /// The report as a table: a line per listener, its routes (when it has any), the backends of the pool its unrouted
    /// connections go to; then each other pool (the named ones its routes reach) with its backends.
    /// </summary>
    public static string Format(StatusReport report)
    {
        var text = new StringBuilder();
        CultureInfo invariant = CultureInfo.InvariantCulture;
        var shown = new HashSet<string>(StringComparer.Ordinal);
        text.AppendLine(invariant, $"{(report.Ready ? "ready" : "NOT READY")}: {report.ReadyReason}; {report.ActiveConnections} connections open");
        foreach (ListenerStatus listener in report.Listeners)
        {
            PoolStatus pool = listener.Pool;
            text.AppendLine();
            text.AppendLine(invariant, $"listener {string.Join(", ", listener.EndPoints)}  pool {pool.Name}  policy {pool.Policy}  connections {listener.ActiveConnections}  queued {pool.QueueLength}");
            if (listener.Routes.Any(route => route.Match != "default"))
            {
                text.AppendLine(invariant, $"  {"ROUTE",-40} {"POOL",-20} {"ACTIVE",7} {"TOTAL",9}");
                foreach (RouteStatus route in listener.Routes)
                {
                    text.AppendLine(invariant, $"  {route.Match,-40} {route.Pool,-20} {route.ActiveConnections,7} {route.Connections,9}");
                }
            }

            if (shown.Add(pool.Name))
            {
                AppendBackends(text, pool);
            }
        }

        foreach (PoolStatus pool in report.Pools ?? [])
        {
            if (shown.Add(pool.Name))
            {
                text.AppendLine();
                text.AppendLine(invariant, $"pool {pool.Name}  policy {pool.Policy}  queued {pool.QueueLength}");
                AppendBackends(text, pool);
            }
        }

        return text.ToString();
    }

    private static void AppendBackends(StringBuilder text, PoolStatus pool)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"  {"BACKEND",-40} {"STATE",-9} {"ACTIVE",7} {"MAX",6} {"WEIGHT",6}  ROLE");
        foreach (BackendStatusReport backend in pool.Backends)
        {
            string max = backend.MaxConnections > 0 ? backend.MaxConnections.ToString(invariant) : "-";
            text.AppendLine(invariant, $"  {backend.Name,-40} {backend.State,-9} {backend.ActiveConnections,7} {max,6} {backend.Weight,6}  {(backend.Backup ? "backup" : "primary")}");
        }
    }
}
