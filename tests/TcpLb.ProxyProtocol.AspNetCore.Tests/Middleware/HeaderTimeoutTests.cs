using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TcpLb.ProxyProtocol.AspNetCore.Tests.Support;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Middleware;

/// <summary>
/// Rule 21: a trusted source has <c>HeaderTimeout</c> to send its whole header, on a clock the test moves
/// (<c>FakeTimeProvider</c> from the services). The clock must never reach the application's reads.
/// </summary>
public sealed class HeaderTimeoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_partial_header_is_waited_for_until_HeaderTimeout_and_then_closed_with_a_line_and_a_count()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        using var endpoint = new InMemoryEndpoint(Trusting);
        using var rejected = new MetricCollector<long>(endpoint.Services.GetRequiredService<IMeterFactory>(), "TcpLb.ProxyProtocol.AspNetCore", "proxy_protocol.connections.rejected");
        var connection = new InMemoryConnection();
        connection.Send("PROXY TCP4 203.0"u8.ToArray());

        Task served = endpoint.RunAsync(connection);
        endpoint.Time.Advance(Timeout - TimeSpan.FromTicks(1));
        connection.Continuations.RunPending();
        Assert.False(served.IsCompleted); // still waiting: the time is not up

        endpoint.Time.Advance(TimeSpan.FromTicks(1));
        connection.Continuations.RunPending();
        await served.WaitAsync(deadline.Token);

        await Deadline.UntilAsync(() => connection.Aborted, "the connection is aborted", deadline.Token);
        Assert.Null(connection.ApplicationRead);
        FakeLogRecordAssert.One(endpoint.Logs, "HeaderTimeout", "no whole PROXY header within 00:00:05 (16 bytes received)");
        Assert.Equal("timeout", Assert.Single(rejected.GetMeasurementSnapshot()).Tags["proxy_protocol.reject_reason"]);
    }

    [Fact]
    public async Task A_silent_trusted_source_is_closed_after_HeaderTimeout_too()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        using var endpoint = new InMemoryEndpoint(Trusting);
        var connection = new InMemoryConnection();

        Task served = endpoint.RunAsync(connection);
        endpoint.Time.Advance(Timeout);
        connection.Continuations.RunPending();
        await served.WaitAsync(deadline.Token);

        await Deadline.UntilAsync(() => connection.Aborted, "the connection is aborted", deadline.Token);
        FakeLogRecordAssert.One(endpoint.Logs, "HeaderTimeout", "(0 bytes received)");
    }

    [Fact]
    public async Task After_a_header_in_time_the_clock_running_out_does_not_touch_the_applications_read()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        using var endpoint = new InMemoryEndpoint(Trusting);
        var connection = new InMemoryConnection();

        Task served = endpoint.RunAsync(connection);
        connection.Send(Headers.V1());
        connection.Continuations.RunPending(); // the header is read and applied; the application now waits to read
        endpoint.Time.Advance(Timeout * 2);
        connection.Send("GET"u8.ToArray());
        connection.Continuations.RunPending();
        await served.WaitAsync(deadline.Token);

        Assert.Equal((false, "GET"), (connection.ApplicationRead!.Value.Canceled, System.Text.Encoding.ASCII.GetString(connection.ApplicationRead.Value.Bytes)));
        Assert.False(connection.Aborted);
        Assert.Empty(endpoint.Logs);
    }

    [Fact]
    public async Task A_header_that_completes_as_the_clock_runs_out_is_refused_rather_than_let_the_cancel_reach_the_application()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        using var endpoint = new InMemoryEndpoint(Trusting);
        var connection = new InMemoryConnection();

        Task served = endpoint.RunAsync(connection);
        connection.Send(Wire.Get(prefix: Headers.V1())); // the read completes; its continuation waits in the queue...
        endpoint.Time.Advance(Timeout);                  // ...while the timer fires and cancels the next read
        connection.Continuations.RunPending();
        await served.WaitAsync(deadline.Token);

        Assert.Null(connection.ApplicationRead);         // the application never saw a cancelled read
        await Deadline.UntilAsync(() => connection.Aborted, "the connection is aborted", deadline.Token);
        FakeLogRecordAssert.One(endpoint.Logs, "HeaderTimeout", "no whole PROXY header within");
    }

    [Fact]
    public async Task When_the_header_is_already_there_at_accept_no_timer_is_started()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        using var endpoint = new InMemoryEndpoint(Trusting);
        var connection = new InMemoryConnection();
        connection.Send(Wire.Get(prefix: Headers.V2()));

        await endpoint.RunAsync(connection).WaitAsync(deadline.Token); // no wait at all: header and request were there

        Assert.Equal(0, endpoint.Time.TimersCreated());
        Assert.StartsWith("GET / HTTP/1.1", System.Text.Encoding.ASCII.GetString(connection.ApplicationRead!.Value.Bytes), StringComparison.Ordinal);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 55555), connection.Context.RemoteEndPoint);
    }

    [Fact]
    public async Task A_flood_of_bad_headers_writes_ten_lines_per_window_then_one_that_counts_the_lines_left_out()
    {
        using CancellationTokenSource deadline = Deadline.Start();
        using var endpoint = new InMemoryEndpoint(Trusting);
        using var rejected = new MetricCollector<long>(endpoint.Services.GetRequiredService<IMeterFactory>(), "TcpLb.ProxyProtocol.AspNetCore", "proxy_protocol.connections.rejected");

        for (int i = 0; i < 25; i++)
        {
            await RunInvalidAsync(endpoint, deadline.Token);
        }

        Assert.Equal(10, endpoint.Logs.Count);
        endpoint.Time.Advance(TimeSpan.FromSeconds(10));
        await RunInvalidAsync(endpoint, deadline.Token);

        Assert.Equal(11, endpoint.Logs.Count);
        Assert.EndsWith("(15 similar lines left out before this one)", endpoint.Logs[^1].Message, StringComparison.Ordinal);
        Assert.Equal(26, rejected.GetMeasurementSnapshot().Count); // every one is counted
    }

    private static async Task RunInvalidAsync(InMemoryEndpoint endpoint, CancellationToken cancellationToken)
    {
        var connection = new InMemoryConnection();
        connection.Send("PROXY TCP9 x\r\n"u8.ToArray());
        await endpoint.RunAsync(connection).WaitAsync(cancellationToken);
    }

    private static void Trusting(ProxyProtocolOptions options)
    {
        options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.0/8"));
        options.HeaderTimeout = Timeout;
    }
}
