using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Diagnostics;

/// <summary>
/// The console logs of a real <c>tcplb run</c>: <c>--log-format json</c> writes one JSON object per line, the
/// access log on its own category; <c>--access-log off</c> removes exactly that line. Each process is stopped
/// with SIGTERM and waited for, so everything it logged is read.
/// </summary>
public sealed class LogFormatTests
{
    [Fact]
    public async Task Json_format_writes_every_line_as_a_JSON_object_with_the_access_log_on_its_own_category()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        using var backend = new TestBackend();
        string output = await RunOneConnectionAsync(backend, ["--log-format", "json"], deadline.Token);

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        JsonElement[] entries = [.. lines.Select(line => JsonDocument.Parse(line).RootElement)]; // throws on a line that is not JSON
        JsonElement access = Assert.Single(entries, entry => entry.GetProperty("Category").GetString() == "TcpLb.Access");
        Assert.Equal(110, access.GetProperty("EventId").GetInt32());
        Assert.Equal("Information", access.GetProperty("LogLevel").GetString());
        JsonElement state = access.GetProperty("State");
        Assert.Equal(backend.EndPoint.ToString(), state.GetProperty("Backend").GetString());
        Assert.Equal("5", state.GetProperty("BytesUp").ToString());
        Assert.Equal("completed", state.GetProperty("Reason").GetString());
        Assert.Contains(entries, entry => entry.GetProperty("Category").GetString() == "TcpLb.Admin");
    }

    [Fact]
    public async Task Access_log_off_writes_every_line_but_the_access_line()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        using var backend = new TestBackend();
        string output = await RunOneConnectionAsync(backend, ["--access-log", "off"], deadline.Token);

        Assert.Contains("Stopped accepting", output, StringComparison.Ordinal); // logged after the connection closed
        Assert.DoesNotContain("TcpLb.Access", output, StringComparison.Ordinal);
        Assert.DoesNotContain("bytes_up=", output, StringComparison.Ordinal);
    }

    // Runs tcplb with the extra flags, forwards one 5-byte connection to the end, stops tcplb with SIGTERM and returns its output.
    private static async Task<string> RunOneConnectionAsync(TestBackend backend, string[] flags, CancellationToken cancellationToken)
    {
        int port = LoopbackPorts.Free();
        using PeerProcess tcplb = Tcplb.Start(
            ["run", "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString(), .. Tcplb.AnyAdminPort, .. flags]);
        await Tcplb.WaitForListeningAsync(tcplb, port, cancellationToken);
        using (Socket client = await Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken))
        {
            await client.SendAsync("hello"u8.ToArray(), SocketFlags.None, cancellationToken);
            client.Shutdown(SocketShutdown.Send);
            using (Socket server = await backend.AcceptAsync(cancellationToken))
            {
                Assert.Equal("hello"u8.ToArray(), await Net.ReadToEndAsync(server, cancellationToken));
            }

            Assert.Equal("fin", await Net.ReadEndAsync(client, cancellationToken));
        }

        // The connection is finished once TcpLb has no connection left: the SIGTERM drain then finds none.
        tcplb.Signal(PosixSignal.SIGTERM);
        Assert.Equal(0, await tcplb.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        return tcplb.Output;
    }
}
