using System.Net;
using System.Net.Sockets;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Admin;

/// <summary>
/// A long connection through a real tcplb shows its bytes in a real scrape while it is still open (a WebSocket that
/// lives for hours is the traffic TcpLb exists for), and counts as established with an age.
/// </summary>
public sealed class LiveMetricsScrapeTests
{
    private const int Rounds = 20;
    private const int Size = 5000;

    [Theory, BothEngines]
    public async Task A_long_connection_shows_its_bytes_in_a_scrape_before_it_closes(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        await using var backend = new EchoBackend();
        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = Tcplb.Start(
            ["run", "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString(), "--send-proxy", "off", "--engine", engine.Flag(), .. Tcplb.AnyAdminPort]);
        Uri admin = await Tcplb.WaitForAdminAsync(tcplb, cancellationToken);
        await Tcplb.WaitForListeningAsync(tcplb, port, cancellationToken);
        using Socket client = await Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        var random = new Random(15);
        for (int i = 0; i < Rounds; i++)
        {
            await EchoClient.RoundAsync(client, Size, random, cancellationToken);
        }

        using var http = new HttpClient();
        string listener = $"tcplb_listener=\"127.0.0.1:{port}\"";
        string[] labels = [listener, $"tcplb_pool=\"127.0.0.1:{port}\"", $"tcplb_backend=\"{backend.EndPoint}\""];
        PrometheusScrape scrape = new(string.Empty);
        // The sweep runs every 5 s: within that (and a scrape), the open connection's bytes are there.
        await TcpLbUnderTest.WaitUntilAsync(
            () => (scrape = PrometheusScrape.FetchAsync(http, admin, cancellationToken).GetAwaiter().GetResult())
                .Value("tcplb_io_bytes_total", [.. labels, "tcplb_direction=\"backend_to_client\""]) == Rounds * Size,
            "the open connection's bytes are scraped",
            cancellationToken);

        Assert.Equal(Rounds * Size, scrape.Value("tcplb_io_bytes_total", [.. labels, "tcplb_direction=\"client_to_backend\""]));
        Assert.Equal(1, scrape.Value("tcplb_connection_open", listener, "tcplb_connection_state=\"established\""));
        Assert.True(scrape.Value("tcplb_connection_oldest_age_seconds", listener) > 0, scrape.Text);
        Assert.Null(scrape.Value("tcplb_connection_closed_total", listener)); // it is still open: nothing was closed yet
        await EchoClient.RoundAsync(client, Size, random, cancellationToken); // and it still forwards
    }
}
