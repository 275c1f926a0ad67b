using System.IO.Pipelines;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using TcpLb.Benchmarks.Codec;
using TcpLb.ProxyProtocol.AspNetCore;

namespace TcpLb.Benchmarks.AspNetCore;

/// <summary>
/// What <c>UseProxyProtocol</c> costs per connection: one connection through the endpoint's pipeline, built as Kestrel
/// builds it (public <c>ListenOptions</c> API), on one reused in-memory connection whose pipes are reset between
/// operations, so <c>Allocated</c> is the middleware's alone (<see cref="No_middleware"/> is the harness, 0 B). The
/// bytes are in the pipe when the connection starts, as when a balancer writes its header with the client's first
/// bytes (rule 22); <see cref="V2_header_after_the_accept"/> is the other case, where the middleware waits (timer).
/// </summary>
[MemoryDiagnoser]
public class ProxyProtocolMiddlewareBenchmarks
{
    private static readonly IPEndPoint Balancer = new(IPAddress.Parse("10.0.0.5"), 40000);
    private static readonly IPEndPoint Stranger = new(IPAddress.Parse("192.0.2.1"), 40000);
    private static readonly byte[] Request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray();

    private readonly Pipe _toServer = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private readonly Pipe _toClient = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private ServiceProvider _services = null!;
    private DefaultConnectionContext _connection = null!;
    private ConnectionDelegate _plain = null!;
    private ConnectionDelegate _required = null!;
    private ConnectionDelegate _optional = null!;
    private byte[] _v1 = null!;
    private byte[] _v2 = null!;
    private byte[] _v2Tlvs = null!;
    private int _applicationRuns;

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddLogging().AddMetrics().BuildServiceProvider();
        _connection = new DefaultConnectionContext("bench", new DuplexPipe(_toServer.Reader, _toClient.Writer), new DuplexPipe(_toClient.Reader, _toServer.Writer));
        _plain = Build(null);
        _required = Build(ProxyProtocolMode.Required);
        _optional = Build(ProxyProtocolMode.Optional);
        _v1 = [.. HeaderSamples.V1Tcp4, .. Request];
        _v2 = [.. HeaderSamples.V2Inet, .. Request];
        _v2Tlvs = [.. HeaderSamples.V2Inet6ThreeTlvs, .. Request];

        // Each path must do what its name says, or its figure means nothing.
        Check(_plain, Request, Balancer, Balancer);
        Check(_required, Request, Stranger, Stranger);
        Check(_optional, Request, Balancer, Balancer);
        Check(_required, _v1, Balancer, new IPEndPoint(IPAddress.Parse("192.168.0.1"), 56324));
        Check(_required, _v2, Balancer, new IPEndPoint(IPAddress.Parse("192.168.0.1"), 56324));
        Check(_required, _v2Tlvs, Balancer, new IPEndPoint(IPAddress.Parse("2001:db8::1"), 56324));
        V2_header_after_the_accept();
        Expect(new IPEndPoint(IPAddress.Parse("192.168.0.1"), 56324));
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public void No_middleware() => Run(_plain, Request, Balancer);

    [Benchmark]
    public void Untrusted_source() => Run(_required, Request, Stranger);

    [Benchmark]
    public void Optional_plain_client() => Run(_optional, Request, Balancer);

    [Benchmark]
    public void V1_header() => Run(_required, _v1, Balancer);

    [Benchmark]
    public void V2_header() => Run(_required, _v2, Balancer);

    [Benchmark]
    public void V2_header_IPv6_3_TLVs() => Run(_required, _v2Tlvs, Balancer);

    /// <summary>The connection starts before its bytes arrive: the middleware starts the header timer and awaits.</summary>
    [Benchmark]
    public void V2_header_after_the_accept()
    {
        Reset(Balancer);
        Task served = _required(_connection);
        Send(_v2); // the read completes inline, the rest of the pipeline with it
        Finish(served);
    }

    private void Run(ConnectionDelegate pipeline, byte[] bytes, IPEndPoint peer)
    {
        Reset(peer);
        Send(bytes);
        Finish(pipeline(_connection));
    }

    private void Reset(IPEndPoint peer)
    {
        _connection.RemoteEndPoint = peer;
        _connection.LocalEndPoint = null;
    }

    private void Send(byte[] bytes)
    {
        ValueTask<FlushResult> flush = _toServer.Writer.WriteAsync(bytes);
        if (!flush.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("the write did not complete inline");
        }

        _ = flush.Result;
    }

    private void Finish(Task served)
    {
        if (!served.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("the pipeline did not complete inline");
        }

        // Both ends of both pipes complete, then the same pipes serve the next connection.
        _toServer.Writer.Complete();
        _toServer.Reader.Complete();
        _toClient.Writer.Complete();
        _toClient.Reader.Complete();
        _toServer.Reset();
        _toClient.Reset();
    }

    private void Check(ConnectionDelegate pipeline, byte[] bytes, IPEndPoint peer, IPEndPoint expected)
    {
        Run(pipeline, bytes, peer);
        Expect(expected);
    }

    private void Expect(IPEndPoint expected)
    {
        if (!expected.Equals(_connection.RemoteEndPoint) || _applicationRuns != 1)
        {
            throw new InvalidOperationException($"expected the application to run once for {expected}; it ran {_applicationRuns} times, for {_connection.RemoteEndPoint}");
        }

        _applicationRuns = 0;
    }

    private ConnectionDelegate Build(ProxyProtocolMode? mode)
    {
        var kestrel = new KestrelServerOptions { ApplicationServices = _services };
        ListenOptions? endpoint = null;
        kestrel.Listen(IPAddress.Loopback, 0, listen => endpoint = listen);
        ListenOptions listen = endpoint!;
        if (mode is { } chosen)
        {
            listen.UseProxyProtocol(options =>
            {
                options.TrustedNetworks.Add(IPNetwork.Parse("10.0.0.0/8"));
                options.Mode = chosen;
            });
        }

        listen.Run(ReadTheRequest);
        return listen.Build();
    }

    // The application: takes the request bytes the middleware left in the pipe (all of them, in one read).
    private Task ReadTheRequest(ConnectionContext connection)
    {
        if (!connection.Transport.Input.TryRead(out ReadResult read) || read.Buffer.Length != Request.Length)
        {
            throw new InvalidOperationException("the request did not reach the application intact");
        }

        connection.Transport.Input.AdvanceTo(read.Buffer.End);
        _applicationRuns++;
        return Task.CompletedTask;
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
