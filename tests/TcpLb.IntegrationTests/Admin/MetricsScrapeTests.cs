using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Admin;

/// <summary>
/// A real <c>tcplb run</c> process, real traffic through its listener, and a real scrape of its admin endpoint's
/// <c>/metrics</c>: the series a Prometheus would store carry exactly what the test sent.
/// </summary>
public sealed class MetricsScrapeTests
{
    private const int Connections = 3;
    private const int RequestBytes = 1000;
    private const int ResponseBytes = 5000;

    [Fact]
    public async Task Metrics_count_connections_bytes_each_way_connect_latency_and_proxy_headers_sent()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = Tcplb.Start(
            ["run", "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString(), "--send-proxy", "v1", .. Tcplb.AnyAdminPort]);
        Uri admin = await Tcplb.WaitForAdminAsync(tcplb, cancellationToken);
        await Tcplb.WaitForListeningAsync(tcplb, port, cancellationToken);

        var clients = new List<string>();
        for (int i = 0; i < Connections; i++)
        {
            clients.Add(await ExchangeAsync(new IPEndPoint(IPAddress.Loopback, port), backend, cancellationToken));
        }

        using var http = new HttpClient();
        string listener = $"tcplb_listener=\"127.0.0.1:{port}\"";
        string backendLabel = $"tcplb_backend=\"{backend.EndPoint}\"";
        PrometheusScrape scrape = new(string.Empty);
        // The close is counted when TcpLb has finished the connection, a moment after the client saw its end.
        await TcpLbUnderTest.WaitUntilAsync(
            () => (scrape = PrometheusScrape.FetchAsync(http, admin, cancellationToken).GetAwaiter().GetResult())
                .Value("tcplb_connection_closed_total", listener, "tcplb_close_reason=\"completed\"") == Connections,
            $"{Connections} completed connections are counted",
            cancellationToken);

        Assert.Equal(Connections, scrape.Value("tcplb_connection_accepted_total", listener));
        Assert.Equal(0, scrape.Value("tcplb_connection_active", listener));
        Assert.Equal(Connections * RequestBytes, scrape.Value("tcplb_io_bytes_total", listener, backendLabel, "tcplb_direction=\"client_to_backend\""));
        Assert.Equal(Connections * ResponseBytes, scrape.Value("tcplb_io_bytes_total", listener, backendLabel, "tcplb_direction=\"backend_to_client\""));
        Assert.Equal(Connections, scrape.Value("tcplb_backend_connect_duration_seconds_count", backendLabel));
        Assert.Equal(Connections, scrape.Value("tcplb_backend_connect_duration_seconds_bucket", backendLabel, "le=\"+Inf\""));
        Assert.True(scrape.Value("tcplb_backend_connect_duration_seconds_bucket", backendLabel, "le=\"0.0005\"") is not null, scrape.Text); // the LAN buckets are there
        Assert.Equal(Connections, scrape.Value("tcplb_proxy_headers_sent_total", listener, "tcplb_proxy_version=\"v1\""));
        Assert.Equal(Connections, scrape.Value("tcplb_connection_duration_seconds_count", listener, "tcplb_close_reason=\"completed\""));
        Assert.Equal(1, scrape.Value("tcplb_backend_state", backendLabel, "tcplb_backend_state=\"up\""));
        Assert.Equal(0, scrape.Value("tcplb_backend_state", backendLabel, "tcplb_backend_state=\"down\""));
        Assert.Equal(0, scrape.Value("tcplb_backend_active_connections", backendLabel));
        Assert.Equal(0, scrape.Value("tcplb_pool_queue_length", $"tcplb_pool=\"127.0.0.1:{port}\""));
        Assert.All(clients, client => Assert.DoesNotContain(client, scrape.Text, StringComparison.Ordinal)); // never a client as a label
    }

    // One request/response: the client sends RequestBytes and half-closes, the backend reads the PROXY v1 line and
    // the request, answers ResponseBytes and closes; the client reads to the end. Returns the client's address.
    private static async Task<string> ExchangeAsync(IPEndPoint target, TestBackend backend, CancellationToken cancellationToken)
    {
        using Socket client = await Net.ConnectAsync(target, cancellationToken);
        await client.SendAsync(new byte[RequestBytes], SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        using (Socket server = await backend.AcceptAsync(cancellationToken))
        {
            byte[] received = await Net.ReadToEndAsync(server, cancellationToken);
            int headerEnd = Encoding.ASCII.GetString(received).IndexOf("\r\n", StringComparison.Ordinal) + 2;
            Assert.StartsWith("PROXY TCP4 127.0.0.1 ", Encoding.ASCII.GetString(received, 0, headerEnd), StringComparison.Ordinal);
            Assert.Equal(RequestBytes, received.Length - headerEnd);
            await server.SendAsync(new byte[ResponseBytes], SocketFlags.None, cancellationToken);
            server.Shutdown(SocketShutdown.Send);
        }

        Assert.Equal(ResponseBytes, (await Net.ReadToEndAsync(client, cancellationToken)).Length);
        return client.LocalEndPoint!.ToString()!;
    }
}
