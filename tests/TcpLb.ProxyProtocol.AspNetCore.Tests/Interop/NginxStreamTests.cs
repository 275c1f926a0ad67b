using TcpLb.Testing;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Interop;

/// <summary>nginx's stream proxy with <c>proxy_protocol on</c> (v1) in front of Kestrel.</summary>
public sealed class NginxStreamTests
{
    [Theory]
    [InlineData(AppProtocol.Http1)]
    [InlineData(AppProtocol.Http2OverTls)]
    [InlineData(AppProtocol.WebSocket)]
    public async Task The_app_sees_the_client_nginx_reports(AppProtocol protocol)
    {
        PeerProcess.Require("nginx");
        (Dictionary<string, string> seen, System.Net.IPEndPoint client) = await BehindPeer.RequestAsync(protocol, FrontPeers.NginxStreamAsync);

        Assert.Equal(client.ToString(), seen["remote"]);
        Assert.Equal("v1 Proxy", seen["header"]);
    }
}
