using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Configuration;
using TcpLb.ProxyProtocol;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.EndToEnd;

/// <summary>
/// A real HAProxy as TcpLb's backend, reading TcpLb's header with <c>accept-proxy</c> and writing its own v2
/// header on to a capturing backend. When HAProxy trusted TcpLb's header, its header names the client
/// (127.0.0.2 and its port) and TcpLb's listener, and the payload behind it is intact.
/// </summary>
public sealed class TcpLbToHaproxyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task HAProxy_accept_proxy_behind_TcpLb_reports_the_client_endpoint_and_passes_the_payload_intact(int proxyVersion)
    {
        PeerProcess.Require("haproxy");
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var capture = new HeaderCapturingBackend();
        int haproxyPort = LoopbackPorts.Free();
        using PeerProcess haproxy = await Haproxy.StartAsync($"""
            listen router
              bind 127.0.0.1:{haproxyPort} accept-proxy
              server capture {capture.EndPoint} send-proxy-v2
            """, cancellationToken);
        await using TcpLbUnderTest tcplb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(new IPEndPoint(IPAddress.Loopback, haproxyPort)) with
        {
            SendProxy = proxyVersion == 1 ? ProxySendMode.V1 : ProxySendMode.V2,
        });
        byte[] payload = [.. Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: e2e.test\r\n\r\n"), .. RandomBytes(16 * 1024)];

        using Socket client = await Net.ConnectAsync(tcplb.EndPoint, cancellationToken, from: Net.SecondLoopback);
        Task<(ProxyParseResult Result, ProxyHeader Header, byte[] Payload)> captured = capture.CaptureAsync(payload.Length, cancellationToken);
        await client.SendAsync(payload, SocketFlags.None, cancellationToken);

        // A header HAProxy rejects closes the client's connection and the capture never connects: fail on that
        // without waiting for the deadline. On success the capture closes its socket just before its task completes,
        // and that FIN can reach the client first, so the capture gets a short bounded grace.
        Task<string> clientEnd = Net.ReadEndAsync(client, cancellationToken);
        if (await Task.WhenAny(captured, clientEnd) != captured
            && await Task.WhenAny(captured, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken)) != captured)
        {
            Assert.Fail($"the client's connection ended ({await clientEnd}) before HAProxy forwarded anything\nHAProxy:\n{haproxy.Output}");
        }

        (_, ProxyHeader header, byte[] received) = await captured;

        Assert.Equal(ProxyVersion.V2, header.Version);
        Assert.Equal(ProxyCommand.Proxy, header.Command);
        Assert.Equal(client.LocalEndPoint, header.GetSourceEndPoint()); // 127.0.0.2 and the client's port, not TcpLb's dialling socket
        Assert.Equal(tcplb.EndPoint, header.GetDestinationEndPoint());
        Assert.True(payload.AsSpan().SequenceEqual(received), $"the payload arrived as {received.Length} B, not intact\nHAProxy:\n{haproxy.Output}");

        // The capture has closed its end: the FIN comes back through HAProxy and TcpLb to the client.
        Assert.Equal("fin", await clientEnd);
    }

    private static byte[] RandomBytes(int count)
    {
        byte[] bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
