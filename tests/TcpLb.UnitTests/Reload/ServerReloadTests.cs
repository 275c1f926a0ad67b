using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Configuration;
using TcpLb.Hosting;
using TcpLb.Model;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Reload;

/// <summary>
/// <see cref="Hosting.TcpLbServer.ReloadAsync(IReadOnlyList{ListenerOptions}, CancellationToken)"/> in the test process, over real loopback sockets: what stays keeps
/// its socket and state, what goes drains, new settings reach new connections only.
/// </summary>
public sealed class ServerReloadTests
{
    [Theory, BothEngines]
    public async Task A_listener_that_stays_keeps_its_socket_and_its_open_connections_while_its_backends_change(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        await using var b = new EchoBackend();
        ListenerOptions before = ReloadListeners.On("127.0.0.1:0", a.EndPoint);
        await using var lb = await TcpLbUnderTest.StartAllAsync([before], engine: engine);
        IPEndPoint address = lb.Server.EndPoints[0];
        using Socket open = await Net.ConnectAsync(address, cancellationToken);
        await EchoClient.RoundAsync(open, 1000, new Random(1), cancellationToken);

        IReadOnlyList<string> changes = await lb.Server.ReloadAsync(
            [ReloadListeners.On("127.0.0.1:0", b.EndPoint) with { Balance = "round-robin", Timeouts = new TimeoutOptions { Connect = TimeSpan.FromSeconds(2) } }],
            cancellationToken);

        Assert.Equal(address, lb.Server.EndPoints[0]); // the same socket: never closed, so never refused
        Assert.Equal(
            $"listener 127.0.0.1:0: +backend {b.EndPoint}, -backend {a.EndPoint} (draining), balance least-connections -> round-robin, timeouts.connect 5s -> 2s",
            Assert.Single(changes));
        BackendState draining = Assert.Single(lb.Server.Pools[0].Current.Draining);
        Assert.Equal(a.EndPoint, draining.Address);
        await EchoClient.RoundAsync(open, 1000, new Random(2), cancellationToken); // the open connection still reaches a
        await EchoClient.ConverseAsync(address, 2, 1000, new Random(3), cancellationToken);
        Assert.Equal(1, a.Accepted);
        Assert.Equal(1, b.Accepted);
    }

    [Theory, BothEngines]
    public async Task A_backend_that_stays_keeps_its_health_and_connections_when_its_weight_changes(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        await using var b = new EchoBackend();
        await using var lb = await TcpLbUnderTest.StartAllAsync([ReloadListeners.On("127.0.0.1:0", a.EndPoint, b.EndPoint)], engine: engine);
        BackendState stateOfB = lb.Server.Pools[0].Current.Primaries.Backends.Single(backend => backend.Address.Equals(b.EndPoint));
        stateOfB.SetCheckedUp(false); // as an active check would: now every connection goes to a
        using Socket open = await Net.ConnectAsync(lb.Server.EndPoints[0], cancellationToken);
        await EchoClient.RoundAsync(open, 100, new Random(1), cancellationToken);
        BackendState stateOfA = lb.Server.Pools[0].Current.Primaries.Backends.Single(backend => backend.Address.Equals(a.EndPoint));

        await lb.Server.ReloadAsync(
            [ReloadListeners.On("127.0.0.1:0") with
            {
                Backends = [new BackendOptions { Address = a.EndPoint, Weight = 5, MaxConnections = 10 }, new BackendOptions { Address = b.EndPoint, Weight = 3 }],
            }],
            cancellationToken);

        PoolSnapshot now = lb.Server.Pools[0].Current;
        Assert.Same(stateOfA, now.Primaries.Backends.Single(backend => backend.Address.Equals(a.EndPoint)));
        Assert.Same(stateOfB, now.Primaries.Backends.Single(backend => backend.Address.Equals(b.EndPoint)));
        Assert.Equal(1, stateOfA.ActiveConnections);
        Assert.Equal((5, 10), (stateOfA.Weight, stateOfA.Options.MaxConnections));
        Assert.Equal(3, stateOfB.Weight);
        Assert.False(stateOfB.IsCheckedUp); // its health was not reset by the reload
        Assert.Empty(now.Draining);
    }

    [Theory, BothEngines]
    public async Task New_listener_settings_reach_new_connections_and_leave_open_ones_as_they_were(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAllAsync([ReloadListeners.On("127.0.0.1:0", backend.EndPoint)], engine: engine);
        IPEndPoint address = lb.Server.EndPoints[0];
        using Socket before = await Net.ConnectAsync(address, cancellationToken);
        await before.SendAsync("first"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket beforeAtBackend = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("first", Encoding.ASCII.GetString(await Net.ReadExactlyAsync(beforeAtBackend, 5, cancellationToken)));

        await lb.Server.ReloadAsync([ReloadListeners.On("127.0.0.1:0", backend.EndPoint) with { SendProxy = ProxySendMode.V1 }], cancellationToken);

        using Socket after = await Net.ConnectAsync(address, cancellationToken);
        await after.SendAsync("second"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket afterAtBackend = await backend.AcceptAsync(cancellationToken);
        string header = $"PROXY TCP4 127.0.0.1 127.0.0.1 {((IPEndPoint)after.LocalEndPoint!).Port} {address.Port}\r\n";
        Assert.Equal(header + "second", Encoding.ASCII.GetString(await Net.ReadExactlyAsync(afterAtBackend, header.Length + 6, cancellationToken)));
        await before.SendAsync("more"u8.ToArray(), SocketFlags.None, cancellationToken);
        Assert.Equal("more", Encoding.ASCII.GetString(await Net.ReadExactlyAsync(beforeAtBackend, 4, cancellationToken)));
    }

    [Theory, BothEngines]
    public async Task A_new_listener_is_bound_and_a_removed_one_stops_accepting_while_its_connections_finish(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using var backend = new EchoBackend();
        await using var lb = await TcpLbUnderTest.StartAllAsync(
        [
            ReloadListeners.On("127.0.0.1:0", backend.EndPoint),
            ReloadListeners.On("127.0.0.2:0", backend.EndPoint),
        ], engine: engine);
        IPEndPoint kept = lb.Server.EndPoints[0];
        IPEndPoint removed = lb.Server.EndPoints[1];
        using Socket open = await Net.ConnectAsync(removed, cancellationToken);
        await EchoClient.RoundAsync(open, 100, new Random(1), cancellationToken);

        IReadOnlyList<string> changes = await lb.Server.ReloadAsync(
            [ReloadListeners.On("127.0.0.1:0", backend.EndPoint), ReloadListeners.On("127.0.0.3:0", backend.EndPoint)],
            cancellationToken);

        Assert.Equal(["+listener 127.0.0.3:0", "-address 127.0.0.2:0", "-listener 127.0.0.2:0 (draining 1 connections)"], changes);
        Assert.Equal(kept, lb.Server.EndPoints[0]);
        IPEndPoint added = lb.Server.EndPoints[1];
        Assert.Equal(IPAddress.Parse("127.0.0.3"), added.Address);
        await EchoClient.ConverseAsync(added, 1, 100, new Random(2), cancellationToken);
        SocketException refused = await Assert.ThrowsAsync<SocketException>(async () => (await Net.ConnectAsync(removed, cancellationToken)).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        await EchoClient.RoundAsync(open, 100, new Random(3), cancellationToken); // drains: not cut
        Assert.Equal(1, lb.Server.ActiveConnections); // the removed listener's connection is still counted (and drained on stop)
    }

    [Theory, BothEngines]
    public async Task A_reload_whose_new_address_cannot_be_bound_changes_nothing(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        await using var a = new EchoBackend();
        await using var b = new EchoBackend();
        using var taken = new TestBackend(); // holds a port: the reload cannot listen there
        ListenerOptions running = ReloadListeners.On("127.0.0.1:0", a.EndPoint);
        await using var lb = await TcpLbUnderTest.StartAllAsync([running], engine: engine);
        IReadOnlyList<ListenerOptions> before = lb.Server.Options;

        ListenAddressException refused = await Assert.ThrowsAsync<ListenAddressException>(() => lb.Server.ReloadAsync(
            [ReloadListeners.On("127.0.0.1:0", b.EndPoint), ReloadListeners.On(taken.EndPoint.ToString(), b.EndPoint)],
            cancellationToken));

        Assert.Equal(taken.EndPoint, refused.Address); // the refusal names the address the socket error does not
        Assert.Equal(SocketError.AddressAlreadyInUse, refused.Error);
        Assert.Same(before, lb.Server.Options);
        Assert.Equal(a.EndPoint, Assert.Single(lb.Server.Pools[0].Current.Primaries.Backends).Address);
        await EchoClient.ConverseAsync(lb.Server.EndPoints[0], 1, 100, new Random(1), cancellationToken);
        Assert.Equal(1, a.Accepted);
        Assert.Equal(0, b.Accepted);
    }
}
