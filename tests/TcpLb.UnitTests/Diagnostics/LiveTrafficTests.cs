using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using TcpLb.Forwarding;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Diagnostics;

/// <summary>
/// Metrics while a connection lives: the sweep adds each open connection's new bytes (per listener, pool and
/// backend) every <see cref="LiveTrafficSweep.Interval"/>, the close adds only what is left, and the connections
/// are counted by state with the oldest one's age. The fake clock drives the sweep's timer.
/// </summary>
public sealed class LiveTrafficTests
{
    [Theory, BothEngines]
    public async Task An_open_connections_bytes_are_published_while_it_lives_and_each_byte_once(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var backend = new TestBackend();
        using var metrics = new TcpLbMetrics();
        using var recorded = new MeasurementRecorder(metrics);
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { SendProxy = ProxySendMode.Off }, time, metrics, engine);
        string pool = lb.Server.Pools[0].Name;
        string[] tags = [$"tcplb.listener={pool}", $"tcplb.pool={pool}", $"tcplb.backend={backend.EndPoint}"];
        double Up() => recorded.Sum("tcplb.io", [.. tags, "tcplb.direction=client_to_backend"]);
        double Down() => recorded.Sum("tcplb.io", [.. tags, "tcplb.direction=backend_to_client"]);

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync(new byte[700], SocketFlags.None, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        await Net.ReadExactlyAsync(server, 700, cancellationToken);
        await server.SendAsync(new byte[1200], SocketFlags.None, cancellationToken);
        await Net.ReadExactlyAsync(client, 1200, cancellationToken);
        Assert.Equal((0, 0), (Up(), Down())); // nothing yet: no sweep has run, and the connection is open

        time.Advance(LiveTrafficSweep.Interval); // the sweep's timer

        Assert.Equal((700, 1200), (Up(), Down()));
        time.Advance(LiveTrafficSweep.Interval);
        Assert.Equal((700, 1200), (Up(), Down())); // an idle connection adds nothing

        await client.SendAsync(new byte[300], SocketFlags.None, cancellationToken);
        await Net.ReadExactlyAsync(server, 300, cancellationToken);
        await server.SendAsync(new byte[500], SocketFlags.None, cancellationToken);
        await Net.ReadExactlyAsync(client, 500, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        server.Shutdown(SocketShutdown.Send);
        await Net.ReadToEndAsync(server, cancellationToken);
        await Net.ReadToEndAsync(client, cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "the connection is closed", cancellationToken);

        Assert.Equal((1000, 1700), (Up(), Down())); // the close added the rest, not the whole again
        lb.Server.SweepTraffic();
        Assert.Equal((1000, 1700), (Up(), Down()));
    }

    [Theory, BothEngines]
    public async Task Open_connections_are_counted_by_state_with_the_age_of_the_oldest(Engine engine)
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        var time = new FakeTimeProvider();
        using var backend = new TestBackend();
        using var metrics = new TcpLbMetrics();
        using var recorded = new MeasurementRecorder(metrics);
        ListenerOptions options = TcpLbUnderTest.Options(backend.EndPoint) with { Timeouts = new TimeoutOptions { FirstBytes = TimeSpan.FromHours(1) } };
        await using var lb = await TcpLbUnderTest.StartAsync(options, time, metrics, engine);
        string listener = $"tcplb.listener={lb.Server.Pools[0].Name}";

        using Socket forwarding = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await forwarding.SendAsync("x"u8.ToArray(), SocketFlags.None, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        using Socket silent = await Net.ConnectAsync(lb.EndPoint, cancellationToken); // client-first: TcpLb waits for its first bytes
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 2, "both connections are accepted", cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(
            () => lb.Server.Connections.Any(c => c.Phase == ConnectionPhase.Established), "the first is forwarding", cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(
            () => lb.Server.Connections.Any(c => c.Phase == ConnectionPhase.WaitingForFirstBytes), "the second waits for its first bytes", cancellationToken);

        time.Advance(LiveTrafficSweep.Interval);
        recorded.ObserveGauges();

        Assert.Equal(1, recorded.Sum("tcplb.connection.open", listener, "tcplb.connection.state=established"));
        Assert.Equal(1, recorded.Sum("tcplb.connection.open", listener, "tcplb.connection.state=waiting_for_first_bytes"));
        Assert.Equal(0, recorded.Sum("tcplb.connection.open", listener, "tcplb.connection.state=connecting"));
        Assert.Equal(0, recorded.Sum("tcplb.connection.open", listener, "tcplb.connection.state=half_closed"));
        Assert.Equal(0, recorded.Sum("tcplb.connection.open", listener, "tcplb.connection.state=waiting_for_header"));
        Assert.Equal(LiveTrafficSweep.Interval.TotalSeconds, recorded.Sum("tcplb.connection.oldest_age", listener)); // both accepted at the fake clock's start
    }

    [Fact]
    public void Each_state_word_names_the_phase_at_its_index()
    {
        // The sweep counts a connection at (int)phase: the census' words must follow the enum's order.
        Assert.Equal(
            ["waiting_for_header", "waiting_for_first_bytes", "connecting", "established", "half_closed"],
            Enum.GetValues<ConnectionPhase>().Select(phase => ConnectionCensus.States[(int)phase]));
    }
}
