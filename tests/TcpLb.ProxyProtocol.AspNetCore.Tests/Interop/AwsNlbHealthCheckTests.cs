using System.Net;
using TcpLb.ProxyProtocol.AspNetCore.Tests.Support;
using TcpLb.ProxyProtocol.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Interop;

/// <summary>
/// AWS NLB's HTTP health checks open with a LOCAL header whose family byte says INET yet carries no address block
/// (rule 10): a CRC32C TLV, then NOOP padding, from offset 16. A router that refused it would be marked unhealthy.
/// </summary>
public sealed class AwsNlbHealthCheckTests
{
    /// <summary>The bytes an NLB sends, as in the codec's rule 10 test, where the checksum was computed by hand.</summary>
    private static readonly byte[] NlbHealthCheckHeader = Hex.Parse("""
        0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A   # signature
        20                   # version 2, command LOCAL
        11                   # INET, STREAM, yet no address block follows
        00 54                # len 84
        03 00 04 BC E5 95 1F # CRC32C over the whole header with this field zeroed
        04 00 4A             # NOOP, 74 bytes of padding
        """ + "\n" + new string('0', 74 * 2));

    [Fact]
    public async Task An_NLB_health_check_is_answered_with_the_real_endpoints_and_the_LOCAL_header()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        await using KestrelApp app = await KestrelApp.StartAsync(
            endpoint => endpoint.UseProxyProtocol(options => options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.0/8"))),
            deadline.Token);

        using Wire check = await Wire.ConnectAsync(app.EndPoint, deadline.Token);
        await check.SendAsync(Wire.Get("/healthz", prefix: NlbHealthCheckHeader), deadline.Token);
        Dictionary<string, string> seen = WhoAmI.Parse(Wire.BodyOf200(await check.ReadToEndAsync(deadline.Token)));

        Assert.Equal(check.LocalEndPoint.ToString(), seen["remote"]); // LOCAL: the balancer itself is the peer
        Assert.Equal("v2 Local", seen["header"]);
        Assert.Equal("True", seen["crc32c"]); // verified (VerifyCrc32c is on by default), else it would not be served
        Assert.Empty(app.ProxyProtocolLogs);
    }
}
