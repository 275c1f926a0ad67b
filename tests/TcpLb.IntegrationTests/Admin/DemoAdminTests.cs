using System.Net;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Admin;

/// <summary><c>tcplb demo</c> serves the admin endpoint too; when its address is taken the demo warns and still serves.</summary>
public sealed class DemoAdminTests
{
    [Fact]
    public async Task The_demo_serves_its_admin_endpoint()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        int port = LoopbackPorts.Free();
        using PeerProcess demo = Tcplb.Start(["demo", "--listen", $"127.0.0.1:{port}", .. Tcplb.AnyAdminPort]);
        Uri admin = await Tcplb.WaitForAdminAsync(demo, deadline.Token);
        await Tcplb.WaitForListeningAsync(demo, port, deadline.Token);
        using var http = new HttpClient();

        Assert.Contains("you are 127.0.0.1", await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"), deadline.Token), StringComparison.Ordinal);
        var scrape = new PrometheusScrape(await http.GetStringAsync(new Uri(admin, "/metrics"), deadline.Token));
        Assert.Equal(1, scrape.Value("tcplb_proxy_headers_sent_total", "tcplb_proxy_version=\"v2\""));
    }

    [Fact]
    public async Task With_its_admin_address_taken_the_demo_warns_and_still_serves()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        using var taken = new TestBackend();
        int port = LoopbackPorts.Free();
        using PeerProcess demo = Tcplb.Start(["demo", "--listen", $"127.0.0.1:{port}", "--admin-listen", taken.EndPoint.ToString()]);
        await Tcplb.WaitForListeningAsync(demo, port, deadline.Token);
        using var http = new HttpClient();

        using HttpResponseMessage page = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"), deadline.Token);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"Admin endpoint not started: cannot listen on admin address {taken.EndPoint}", demo.Output, StringComparison.Ordinal);
        Assert.False(demo.HasExited);
    }
}
