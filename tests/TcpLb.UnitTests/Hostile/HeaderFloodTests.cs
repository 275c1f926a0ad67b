using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Configuration;
using TcpLb.Diagnostics;
using TcpLb.ProxyProtocol;
using TcpLb.Testing;
using TcpLb.UnitTests.Diagnostics;
using Xunit;

namespace TcpLb.UnitTests.Hostile;

/// <summary>
/// A trusted upstream (or whoever took its address) floods TcpLb with broken PROXY headers: oversized v1 lines, v2
/// headers announcing 65535 bytes of garbage TLVs, and every single-byte corruption of a valid v1 and v2 header.
/// Each connection is closed (reset) with its reason counted, nothing reaches a backend, no exception escapes, the
/// log stays a few lines per reason (rate-limited) while the metric counts every one, and a good client is served
/// afterwards. In-process server, real loopback sockets.
/// </summary>
public sealed class HeaderFloodTests
{
    private const int Parallel = 64;
    private static readonly IPNetwork s_loopback8 = IPNetwork.Parse("127.0.0.0/8");

    // 10 000 connections take their ephemeral ports on an address of their own, not on 127.0.0.1, where tests that
    // pick a free port and bind it a moment later (HAProxy, nginx, tcplb) would find one taken.
    private static readonly IPAddress s_floodSource = IPAddress.Parse("127.0.0.5");
    private static readonly byte[] s_validV1 = Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\r\n");
    private static readonly byte[] s_validV2 = WriteV2(IPEndPoint.Parse("192.0.2.1:56324"), IPEndPoint.Parse("198.51.100.7:443"));

    [Fact]
    public async Task Every_broken_header_closes_its_connection_with_a_counted_reason_and_nothing_reaches_a_backend()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(240));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        using var metrics = new TcpLbMetrics();
        using var recorded = new MeasurementRecorder(metrics);
        var options = TcpLbUnderTest.Options(backend.EndPoint) with { AcceptProxyFrom = [s_loopback8], MaxProxyHeaderLength = ushort.MaxValue, SendProxy = ProxySendMode.V1 };
        var parser = new ProxyHeaderParserOptions { MaxV2Length = options.MaxProxyHeaderLength };
        await using var lb = await TcpLbUnderTest.StartAsync(options, metrics: metrics);

        (string Case, byte[] Bytes)[] floods = [.. Oversized(), .. Corruptions(s_validV1, parser, "v1"), .. Corruptions(s_validV2, parser, "v2")];
        Assert.All(floods, flood => Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(flood.Bytes), parser).Status));

        var clock = Stopwatch.StartNew();
        string[] ends = new string[floods.Length];
        await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, floods.Length), new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                using Socket client = await Net.ConnectAsync(lb.EndPoint, token, from: s_floodSource);
                try
                {
                    await client.SendAsync(floods[i].Bytes, SocketFlags.None, token);
                }
                catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
                {
                    // refused while the rest was still being sent (an early verdict on a long header)
                }

                ends[i] = await Net.ReadEndAsync(client, token);
            });
        clock.Stop();

        Assert.All(ends, end => Assert.Equal("reset", end)); // refused: reset, never a FIN that looks like a normal end
        Assert.False(backend.HasPendingConnection(TimeSpan.FromMilliseconds(200)), "a broken header reached a backend");
        await TcpLbUnderTest.WaitUntilAsync(() => lb.Server.ActiveConnections == 0, "every refused connection is gone", cancellationToken);
        Assert.Equal(floods.Length, recorded.Sum("tcplb.proxy.headers.rejected")); // every refusal counted, none lost to the rate limit
        Assert.Equal(0, recorded.Sum("tcplb.proxy.headers.accepted"));

        // The log: no unexpected exception, and a few lines per reason, not one per connection.
        Assert.DoesNotContain(lb.Logs.Lines, line => line.EventId == 106 || line.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
        int reasons = lb.Logs.Lines.Where(line => line.EventId == 102).Select(line => line.Message[(line.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]).Distinct().Count();
        int intervals = 1 + (int)(clock.Elapsed / TcpLb.Forwarding.RefusalLog.DefaultInterval);
        Assert.InRange(lb.Logs.Lines.Count(line => line.EventId == 102), reasons, reasons * intervals);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{floods.Length} connections ({floods.Count(f => f.Case == "oversized")} oversized, {floods.Count(f => f.Case == "v1")} v1 and {floods.Count(f => f.Case == "v2")} v2 corruptions) in {clock.Elapsed.TotalSeconds:0.0} s: " +
            $"{lb.Logs.Lines.Count(line => line.EventId == 102)} log lines for {reasons} reasons");

        // Still serving: a good header goes through.
        using Socket good = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await good.SendAsync((byte[])[.. s_validV1, .. "hello"u8.ToArray()], SocketFlags.None, cancellationToken);
        using Socket server = await backend.AcceptAsync(cancellationToken);
        Assert.Equal("PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\r\nhello", Encoding.ASCII.GetString(await Net.ReadExactlyAsync(server, s_validV1.Length + 5, cancellationToken)));
    }

    [Fact]
    public async Task A_v2_header_announcing_more_than_the_cap_is_refused_before_its_bytes_are_read()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(30));
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        using var metrics = new TcpLbMetrics();
        using var recorded = new MeasurementRecorder(metrics);
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint) with { AcceptProxyFrom = [s_loopback8] }, metrics: metrics); // cap 4096

        using Socket client = await Net.ConnectAsync(lb.EndPoint, cancellationToken);
        await client.SendAsync(s_validV2[..16].Select((b, i) => i is 14 or 15 ? (byte)0xFF : b).ToArray(), SocketFlags.None, cancellationToken); // len 65535, nothing after

        Assert.Equal("reset", await Net.ReadEndAsync(client, cancellationToken));
        Assert.Equal(1, recorded.Sum("tcplb.proxy.headers.rejected", $"tcplb.proxy.reject_reason={nameof(ProxyHeaderError.V2LengthTooLarge)}"));
        Assert.False(backend.HasPendingConnection(TimeSpan.FromMilliseconds(100)));
    }

    // v1 lines past rule 5's 107 bytes, and v2 headers of 16 + 65535 bytes whose TLVs are garbage.
    private static IEnumerable<(string, byte[])> Oversized()
    {
        var random = new Random(10);
        yield return ("oversized", Encoding.ASCII.GetBytes("PROXY " + new string('A', 200) + "\r\n"));
        yield return ("oversized", Encoding.ASCII.GetBytes("PROXY TCP4 " + new string('1', 5000)));
        yield return ("oversized", Encoding.ASCII.GetBytes("PROXY UNKNOWN " + new string('x', 100) + "\r\n"));
        for (int i = 0; i < 8; i++)
        {
            byte[] header = new byte[16 + ushort.MaxValue];
            s_validV2.AsSpan(0, 28).CopyTo(header);
            header[14] = 0xFF;
            header[15] = 0xFF;
            random.NextBytes(header.AsSpan(28));
            header[28] = 0x01; // a first TLV that runs past the end: never well-formed, whatever the random bytes
            header[29] = 0xFF;
            header[30] = 0xFF;
            yield return ("oversized", header);
        }
    }

    // Every offset of a valid header, every byte value there: the corruptions the parser refuses (the others are
    // still valid, or a prefix waiting for more, and are not floods).
    private static IEnumerable<(string, byte[])> Corruptions(byte[] valid, ProxyHeaderParserOptions parser, string name)
    {
        for (int offset = 0; offset < valid.Length; offset++)
        {
            for (int value = 0; value < 256; value++)
            {
                if (value == valid[offset])
                {
                    continue;
                }

                byte[] corrupted = (byte[])valid.Clone();
                corrupted[offset] = (byte)value;
                if (ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(corrupted), parser).Status == ProxyParseStatus.Invalid)
                {
                    yield return (name, corrupted);
                }
            }
        }
    }

    private static byte[] WriteV2(IPEndPoint source, IPEndPoint destination)
    {
        byte[] buffer = new byte[28];
        return buffer[..ProxyHeaderWriter.WriteV2(buffer, source, destination)];
    }
}
