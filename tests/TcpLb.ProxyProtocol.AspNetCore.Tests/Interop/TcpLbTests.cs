using System.Net;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Interop;

/// <summary>TcpLb itself (the tcplb process) in front of Kestrel, sending v1, v2 with a CRC32C TLV, or HAProxy's TLVs passed on.</summary>
public sealed class TcpLbTests
{
    public static TheoryData<string, AppProtocol> Scenarios()
    {
        var data = new TheoryData<string, AppProtocol>();
        foreach (string sendProxy in new[] { "v1", "v2+crc32c" })
        {
            foreach (AppProtocol protocol in Enum.GetValues<AppProtocol>())
            {
                data.Add(sendProxy, protocol);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_app_sees_the_client_TcpLb_reports(string sendProxy, AppProtocol protocol)
    {
        string[] flags = sendProxy == "v1" ? ["--send-proxy", "v1"] : ["--send-proxy", "v2", "--send-proxy-crc32c"];
        (Dictionary<string, string> seen, IPEndPoint client) = await BehindPeer.RequestAsync(
            protocol,
            (app, port, cancellationToken) => FrontPeers.TcpLbAsync(app, port, flags, cancellationToken));

        Assert.Equal(client.ToString(), seen["remote"]);
        Assert.Equal(sendProxy == "v1" ? "v1 Proxy" : "v2 Proxy", seen["header"]);
        Assert.Equal(sendProxy == "v1" ? "False" : "True", seen["crc32c"]);
    }

    [Fact]
    public async Task Behind_HAProxy_and_TcpLb_the_app_sees_the_client_and_the_TLVs_HAProxy_sent()
    {
        PeerProcess.Require("haproxy");
        int tcplbPort = LoopbackPorts.Free();
        PeerProcess? tcplb = null;
        try
        {
            // client (127.0.0.2) -> HAProxy send-proxy-v2 + TLVs -> TcpLb (trusts it, forwards its TLVs, rule 24) -> Kestrel
            (Dictionary<string, string> seen, IPEndPoint client) = await BehindPeer.RequestAsync(
                AppProtocol.Http1,
                async (app, port, cancellationToken) =>
                {
                    tcplb = await FrontPeers.TcpLbAsync(
                        app, tcplbPort, ["--send-proxy", "v2", "--accept-proxy-from", "127.0.0.1/32", "--forward-tlvs"], cancellationToken);
                    return await FrontPeers.HaproxyAsync(
                        new IPEndPoint(IPAddress.Loopback, tcplbPort), port, "send-proxy-v2 proxy-v2-options unique-id,ssl", cancellationToken);
                });

            Assert.Equal(client.ToString(), seen["remote"]);
            Assert.Contains("7F000002", seen["unique-id"], StringComparison.Ordinal); // HAProxy's %ci of 127.0.0.2, through TcpLb
            Assert.Equal("None", seen["ssl"]);
        }
        finally
        {
            tcplb?.Dispose();
        }
    }
}
