using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Admin;

/// <summary>
/// deploy/grafana and deploy/prometheus against a real scrape: a tcplb process is driven through what they watch
/// (connections, retries, an ejection, a health check failing, a refused PROXY header), and every metric and label
/// name their queries use must be in its /metrics. The rules also pass <c>promtool check rules</c>.
/// </summary>
public sealed partial class DashboardMetricsTests : IDisposable
{
    private static readonly string s_deploy = Path.Combine(RepositoryRoot(), "deploy");

    private readonly string _directory = Directory.CreateTempSubdirectory("tcplb-dashboard-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Every_metric_and_label_the_dashboard_and_the_alert_rules_use_is_in_a_real_scrape()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(90));
        CancellationToken cancellationToken = deadline.Token;
        await using var alive = new EchoBackend();
        using var refusing = new RefusingPort();
        using var refusingChecked = new RefusingPort();
        int forwarding = LoopbackPorts.Free();
        int upstream = LoopbackPorts.Free();
        string config = Path.Combine(_directory, "tcplb.yaml");
        await File.WriteAllTextAsync(config, $$"""
            listeners:
              - listen: ["127.0.0.1:{{forwarding}}"]
                backends: ["{{refusing.EndPoint}}", "{{alive.EndPoint}}"]
                balance: round-robin
                sendProxy: "off"
                retries: 1
                passiveHealth: {failures: 1}
              - listen: ["127.0.0.1:{{upstream}}"]
                backends: ["{{refusingChecked.EndPoint}}"]
                acceptProxyFrom: ["127.0.0.1/32"]
                healthCheck: {kind: tcp, interval: 200ms, fall: 1}
            """, cancellationToken);
        using PeerProcess tcplb = Tcplb.Start(["run", "--config", config, .. Tcplb.AnyAdminPort]);
        Uri admin = await Tcplb.WaitForAdminAsync(tcplb, cancellationToken);
        await Tcplb.WaitForListeningAsync(tcplb, upstream, cancellationToken);

        // Round robin over two backends: one of two connections tries the refusing one first (a retry, an ejection).
        for (int i = 0; i < 2; i++)
        {
            await EchoClient.ConverseAsync(new IPEndPoint(IPAddress.Loopback, forwarding), 2, 1000, new Random(i), cancellationToken);
        }

        // A trusted upstream that sends no PROXY header: refused (not_proxy).
        using (Socket client = await Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, upstream), cancellationToken))
        {
            await client.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
            await Net.ReadEndAsync(client, cancellationToken);
        }

        HashSet<string> used = NamesUsed();
        using var http = new HttpClient();
        string[] missing = [];
        for (int attempt = 0; attempt < 100; attempt++) // the health check and the close are counted a moment later
        {
            string scrape = await http.GetStringAsync(new Uri(admin, "/metrics"), cancellationToken);
            HashSet<string> present = NamesIn(scrape);
            missing = [.. used.Where(name => !present.Contains(name)).Order()];
            if (missing.Length == 0)
            {
                break;
            }

            await Task.Delay(100, cancellationToken);
        }

        Assert.True(used.Count >= 15, $"only {used.Count} names found in the dashboard and rules: {string.Join(", ", used)}");
        Assert.True(missing.Length == 0, $"used by deploy/ but not in a real scrape: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task The_alert_rules_pass_promtool()
    {
        string promtool = PeerProcess.Require("promtool");
        using CancellationTokenSource deadline = TestDeadline.Start();
        var start = new System.Diagnostics.ProcessStartInfo(promtool, ["check", "rules", Path.Combine(s_deploy, "prometheus", "tcplb-alerts.yaml")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        Task<string> error = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);

        Assert.True(process.ExitCode == 0, await output + await error);
        Assert.Contains("SUCCESS", await output + await error, StringComparison.Ordinal);
    }

    // Every tcplb_ name in the dashboard's queries and the rules' expressions: metric names and label names alike.
    private static HashSet<string> NamesUsed()
    {
        var expressions = new List<string>();
        using (JsonDocument dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_deploy, "grafana", "tcplb-dashboard.json"))))
        {
            foreach (JsonElement panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            {
                expressions.AddRange(panel.GetProperty("targets").EnumerateArray().Select(target => target.GetProperty("expr").GetString()!));
            }

            expressions.AddRange(dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
                .Where(variable => variable.TryGetProperty("definition", out _)).Select(variable => variable.GetProperty("definition").GetString()!));
        }

        expressions.AddRange(File.ReadAllLines(Path.Combine(s_deploy, "prometheus", "tcplb-alerts.yaml"))
            .Where(line => !line.TrimStart().StartsWith('#')));
        return [.. expressions.SelectMany(expression => TcplbName().Matches(expression).Select(match => match.Value))];
    }

    // The metric names of a scrape's samples and the label names they carry.
    private static HashSet<string> NamesIn(string scrape)
    {
        var names = new HashSet<string>();
        foreach (string line in scrape.Split('\n').Where(line => line.StartsWith("tcplb_", StringComparison.Ordinal)))
        {
            int brace = line.IndexOf('{', StringComparison.Ordinal);
            names.Add(line[..(brace >= 0 ? brace : line.IndexOf(' ', StringComparison.Ordinal))]);
            names.UnionWith(LabelName().Matches(line).Select(match => match.Groups[1].Value));
        }

        return names;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TcpLb.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("TcpLb.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\btcplb_[a-z0-9_]+")]
    private static partial Regex TcplbName();

    [GeneratedRegex(@"[{,](tcplb_[a-z0-9_]+)=""")]
    private static partial Regex LabelName();
}
