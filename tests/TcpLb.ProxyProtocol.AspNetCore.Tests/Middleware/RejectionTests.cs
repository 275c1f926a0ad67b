using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TcpLb.ProxyProtocol.AspNetCore.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Middleware;

/// <summary>
/// A trusted source whose header is invalid, missing (Required) or cut short is closed before the application sees a
/// byte, with one log line naming the reason and the peer, and a count under its reason.
/// </summary>
public sealed class RejectionTests
{
    [Fact]
    public async Task A_header_whose_CRC32C_does_not_match_closes_the_connection_with_a_line_naming_rule_16_and_the_peer()
    {
        byte[] header = Headers.V2(crc32C: true);
        header[^1] ^= 0xFF; // the checksum's last byte (rule 16)

        (string? response, FakeLogRecord line, CollectedMeasurement<long> count, IPEndPoint peer) =
            await SendToTrustingAppAsync(Wire.Get(prefix: header), _ => { });

        Assert.True(string.IsNullOrEmpty(response), response);
        Assert.Equal("InvalidHeader", line.Id.Name);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains(peer.ToString(), line.Message, StringComparison.Ordinal);
        Assert.Contains("CRC32C does not match (rule 16)", line.Message, StringComparison.Ordinal);
        Assert.Equal("invalid", count.Tags["proxy_protocol.reject_reason"]);
        Assert.Equal("V2ChecksumMismatch", count.Tags["proxy_protocol.error"]);
    }

    [Fact]
    public async Task With_VerifyCrc32c_off_a_wrong_checksum_is_not_checked()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(Trusting(options => options.VerifyCrc32c = false), deadline.Token);
        byte[] header = Headers.V2(crc32C: true);
        header[^1] ^= 0xFF;

        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token);
        await wire.SendAsync(Wire.Get(prefix: header), deadline.Token);

        Assert.Equal("203.0.113.7:55555", WhoAmI.Parse(Wire.BodyOf200(await wire.ReadToEndAsync(deadline.Token)))["remote"]);
    }

    [Fact]
    public async Task Versions_V2_refuses_a_v1_header()
    {
        (string? response, FakeLogRecord line, CollectedMeasurement<long> count, _) =
            await SendToTrustingAppAsync(Wire.Get(prefix: Headers.V1()), options => options.Versions = ProxyVersions.V2);

        Assert.True(string.IsNullOrEmpty(response), response);
        Assert.Contains("only v2 is accepted", line.Message, StringComparison.Ordinal);
        Assert.Equal("V1NotAccepted", count.Tags["proxy_protocol.error"]);
    }

    [Fact]
    public async Task A_v2_header_longer_than_MaxHeaderLength_is_refused_before_its_bytes_arrive()
    {
        byte[] header = Headers.V2(tlvs: [new ProxyTlv(ProxyTlvType.Noop, new byte[200])]);

        // Only the fixed 16 bytes are sent: the announced length alone is enough to refuse (rule 21).
        (string? response, FakeLogRecord line, CollectedMeasurement<long> count, _) =
            await SendToTrustingAppAsync(header[..16], options => options.MaxHeaderLength = 100);

        Assert.True(string.IsNullOrEmpty(response), response);
        Assert.Contains("exceeds the configured maximum (rule 21)", line.Message, StringComparison.Ordinal);
        Assert.Equal("V2LengthTooLarge", count.Tags["proxy_protocol.error"]);
    }

    [Fact]
    public async Task Required_closes_a_trusted_source_that_opens_without_a_header()
    {
        (string? response, FakeLogRecord line, CollectedMeasurement<long> count, IPEndPoint peer) =
            await SendToTrustingAppAsync(Wire.Get(), _ => { });

        Assert.True(string.IsNullOrEmpty(response), response);
        Assert.Equal("MissingHeader", line.Id.Name);
        Assert.Contains(peer.ToString(), line.Message, StringComparison.Ordinal);
        Assert.Equal("missing", count.Tags["proxy_protocol.reject_reason"]);
    }

    [Fact]
    public async Task A_source_that_leaves_in_the_middle_of_a_header_is_logged_as_truncated_and_its_bytes_never_reach_the_app()
    {
        (string? response, FakeLogRecord line, CollectedMeasurement<long> count, _) =
            await SendToTrustingAppAsync(Headers.V1()[..20], _ => { }, finishSending: true);

        Assert.True(string.IsNullOrEmpty(response), response);
        Assert.Equal("TruncatedHeader", line.Id.Name);
        Assert.Contains("(20 bytes received)", line.Message, StringComparison.Ordinal);
        Assert.Equal("truncated", count.Tags["proxy_protocol.reject_reason"]);
    }

    [Fact]
    public async Task A_source_that_connects_and_leaves_without_a_byte_is_closed_quietly_as_a_TCP_health_check()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(Trusting(_ => { }), deadline.Token);
        using MetricCollector<long> rejected = app.Counter("proxy_protocol.connections.rejected");

        using (Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token))
        {
            wire.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            Assert.Equal(string.Empty, await wire.ReadToEndAsync(deadline.Token) ?? string.Empty);
        }

        // A header-less connection after it is refused and counted: the silent one before it was not.
        using Wire next = await Wire.ConnectAsync(app.EndPoint, deadline.Token);
        await next.SendAsync(Wire.Get(), deadline.Token);
        await next.ReadToEndAsync(deadline.Token);
        await rejected.WaitForMeasurementsAsync(1, deadline.Token);
        Assert.Equal("missing", Assert.Single(rejected.GetMeasurementSnapshot()).Tags["proxy_protocol.reject_reason"]);
        Assert.Equal("MissingHeader", Assert.Single(app.ProxyProtocolLogs).Id.Name);
    }

    private static Action<ListenOptions> Trusting(Action<ProxyProtocolOptions> configure) => endpoint => endpoint.UseProxyProtocol(options =>
    {
        options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.0/8"));
        configure(options);
    });

    /// <summary>Sends <paramref name="bytes"/> from a trusted client; returns what came back (null: reset), the package's one log line and one count.</summary>
    private static async Task<(string? Response, FakeLogRecord Line, CollectedMeasurement<long> Count, IPEndPoint Peer)> SendToTrustingAppAsync(
        byte[] bytes, Action<ProxyProtocolOptions> configure, bool finishSending = false)
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(Trusting(configure), deadline.Token);
        using MetricCollector<long> rejected = app.Counter("proxy_protocol.connections.rejected");

        using Wire wire = await Wire.ConnectAsync(app.EndPoint, deadline.Token, from: Wire.SecondLoopback);
        await wire.SendAsync(bytes, deadline.Token);
        if (finishSending)
        {
            wire.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        }

        string? response = await wire.ReadToEndAsync(deadline.Token);
        await rejected.WaitForMeasurementsAsync(1, deadline.Token);
        return (response, Assert.Single(app.ProxyProtocolLogs), Assert.Single(rejected.GetMeasurementSnapshot()), wire.LocalEndPoint);
    }
}
