using TcpLb.Configuration;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.EndToEnd;

/// <summary>
/// Client (127.0.0.2) → TcpLb (send-proxy v1/v2) → a real nginx reading the header as a Deis router does
/// → a plain nginx server echoing X-Forwarded-For. nginx must see the client, not TcpLb (127.0.0.1).
/// </summary>
public sealed class TcpLbToNginxTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Nginx_behind_TcpLb_sees_the_client_address_in_proxy_protocol_addr_remote_addr_and_X_Forwarded_For(int proxyVersion)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using NginxRouter nginx = await NginxRouter.StartAsync(cancellationToken);
        await using TcpLbUnderTest tcplb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(nginx.ProxyProtocolEndPoint) with
        {
            SendProxy = proxyVersion == 1 ? ProxySendMode.V1 : ProxySendMode.V2,
        });
        string token = Guid.NewGuid().ToString("N");

        (int status, string body) = await RawHttp.GetAsync(tcplb.EndPoint, token, cancellationToken);

        Assert.Equal(200, status);
        Assert.Equal("xff=127.0.0.2\n", body);
        string[] logged = await nginx.WaitForAccessLogAsync(token, cancellationToken);
        Assert.Equal([token, "127.0.0.2", "127.0.0.2"], logged); // $proxy_protocol_addr, then $remote_addr after real_ip
        Assert.DoesNotContain("broken header", nginx.ReadErrorLog(), StringComparison.Ordinal);
    }

    [Theory, BothEngines]
    public async Task Nginx_accepts_every_one_of_50_sequential_connections_from_TcpLb_with_a_v2_header(Engine engine)
    {
        const int requests = 50;
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using NginxRouter nginx = await NginxRouter.StartAsync(cancellationToken);
        await using TcpLbUnderTest tcplb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(nginx.ProxyProtocolEndPoint) with { SendProxy = ProxySendMode.V2 }, engine: engine);
        var tokens = new List<string>();

        for (int i = 0; i < requests; i++)
        {
            string token = $"r{i:00}-{Guid.NewGuid():N}";
            tokens.Add(token);
            (int status, string body) = await RawHttp.GetAsync(tcplb.EndPoint, token, cancellationToken);
            Assert.True(status == 200 && body == "xff=127.0.0.2\n", $"request {i}: {status} \"{body}\"\nerror.log:\n{nginx.ReadErrorLog()}");
        }

        // Each line is written as its request ends: wait (bounded) for all of them, then compare in any order.
        await TcpLbUnderTest.WaitUntilAsync(() => nginx.ReadAccessLog().Count >= requests, $"nginx logged {requests} requests", cancellationToken);
        Assert.Equal(tokens.Select(t => $"{t} 127.0.0.2 127.0.0.2").Order(StringComparer.Ordinal), nginx.ReadAccessLog().Order(StringComparer.Ordinal));
        string errors = nginx.ReadErrorLog();
        Assert.DoesNotContain("broken header", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("[error]", errors, StringComparison.Ordinal);
    }
}
