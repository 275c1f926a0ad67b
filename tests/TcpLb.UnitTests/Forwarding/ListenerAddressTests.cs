using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Configuration;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Forwarding;

/// <summary>Listeners on IPv6 and dual-stack addresses, and several at once; the header stays in one family (rule 23).</summary>
public sealed class ListenerAddressTests
{
    [Theory, BothEngines]
    public async Task An_IPv6_listener_sends_a_TCP6_header(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with { Listen = [new IPEndPoint(IPAddress.IPv6Loopback, 0)], SendProxy = ProxySendMode.V1 };
        await using var lb = await TcpLbUnderTest.StartAsync(options, engine: engine);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        using Socket server = await backend.AcceptAsync(cancellationToken);

        string expected = $"PROXY TCP6 ::1 ::1 {((IPEndPoint)client.LocalEndPoint!).Port} {lb.EndPoint.Port}\r\nx";
        Assert.Equal(expected, Encoding.ASCII.GetString(await Net.ReadToEndAsync(server, cancellationToken)));
    }

    [Theory, BothEngines]
    public async Task A_dual_stack_listener_serves_IPv4_clients_with_a_TCP4_header_and_IPv6_clients_with_TCP6(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with { Listen = [new IPEndPoint(IPAddress.IPv6Any, 0)], SendProxy = ProxySendMode.V1 };
        await using var lb = await TcpLbUnderTest.StartAsync(options, engine: engine);
        int port = lb.EndPoint.Port;

        // An IPv4 client reaches [::] as ::ffff:127.0.0.2; the header carries plain IPv4 (rule 23).
        using Socket v4 = await Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken, from: Net.SecondLoopback);
        await v4.SendAsync("4"u8.ToArray(), SocketFlags.None, cancellationToken);
        v4.Shutdown(SocketShutdown.Send);
        using (Socket server = await backend.AcceptAsync(cancellationToken))
        {
            string expected = $"PROXY TCP4 127.0.0.2 127.0.0.1 {((IPEndPoint)v4.LocalEndPoint!).Port} {port}\r\n4";
            Assert.Equal(expected, Encoding.ASCII.GetString(await Net.ReadToEndAsync(server, cancellationToken)));
        }

        using Socket v6 = await Net.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, port), cancellationToken);
        await v6.SendAsync("6"u8.ToArray(), SocketFlags.None, cancellationToken);
        v6.Shutdown(SocketShutdown.Send);
        using (Socket server = await backend.AcceptAsync(cancellationToken))
        {
            string expected = $"PROXY TCP6 ::1 ::1 {((IPEndPoint)v6.LocalEndPoint!).Port} {port}\r\n6";
            Assert.Equal(expected, Encoding.ASCII.GetString(await Net.ReadToEndAsync(server, cancellationToken)));
        }
    }

    [Theory, BothEngines]
    public async Task Several_listen_addresses_all_accept(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with
        {
            Listen = [new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0)],
        };
        await using var lb = await TcpLbUnderTest.StartAsync(options, engine: engine);

        foreach (IPEndPoint listener in lb.Server.EndPoints)
        {
            using Socket client = await Net.ConnectAsync(listener, cancellationToken);
            await client.SendAsync("hi"u8.ToArray(), SocketFlags.None, cancellationToken);
            client.Shutdown(SocketShutdown.Send);
            using Socket server = await backend.AcceptAsync(cancellationToken);
            Assert.Equal("hi"u8.ToArray(), await Net.ReadToEndAsync(server, cancellationToken));
        }

        Assert.Equal(2, lb.Server.EndPoints.Count);
    }
}
