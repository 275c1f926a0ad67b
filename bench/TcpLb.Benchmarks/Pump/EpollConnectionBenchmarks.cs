extern alias TcpLbApp;

using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using TcpLbApp::TcpLb.Configuration;
using TcpLbApp::TcpLb.Diagnostics;
using TcpLbApp::TcpLb.Hosting;

namespace TcpLb.Benchmarks.Pump;

/// <summary>
/// One short connection per operation, the close scenario's shape: the client connects and sends its first bytes, the
/// backend answers and closes, the client closes, and the operation ends when TcpLb has accounted the connection.
/// <c>Direct</c> does the same without TcpLb (the baseline): the difference in <c>Allocated</c> is what TcpLb allocates
/// per connection, with what the product runs by default: the access log (to a null stream) and the metrics read by
/// OpenTelemetry, as the admin endpoint's exporter reads them. The epoll engine, one loop.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class EpollConnectionBenchmarks
{
    private static readonly byte[] s_request = "GET / HTTP/1.0\r\n\r\n"u8.ToArray();
    private static readonly byte[] s_response = "HTTP/1.0 200 OK\r\n\r\n"u8.ToArray();

    private readonly byte[] _buffer = new byte[256];
    private Socket _backendListener = null!;
    private TcpLbServer _server = null!;
    private ILoggerFactory _loggers = null!;
    private MeterProvider _meters = null!;
    private IPEndPoint _direct = null!;
    private IPEndPoint _throughTcpLb = null!;

    [GlobalSetup]
    public void Setup()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the epoll engine runs on Linux only");
        }

        _backendListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _backendListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _backendListener.Listen(512);
        _direct = (IPEndPoint)_backendListener.LocalEndPoint!;

        _meters = Sdk.CreateMeterProviderBuilder().AddMeter(TcpLbMetrics.MeterName).AddReader(new BaseExportingMetricReader(new NoExport())).Build();
        var writer = new BatchedLineWriter(Stream.Null, TimeSpan.FromSeconds(1), TimeProvider.System);
        _loggers = LoggerFactory.Create(builder => builder.AddProvider(new AccessLogProvider(writer, LogFormat.Plain, TimeProvider.System)));
        var listener = new ListenerOptions
        {
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
            Backends = [new BackendOptions { Address = _direct }],
        };
        _server = new TcpLbServer([listener], TimeProvider.System, _loggers, engine: new EngineOptions { Kind = EngineKind.Epoll, Threads = 1 });
        _server.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _throughTcpLb = _server.EndPoints[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _loggers.Dispose();
        _meters.Dispose();
        _backendListener.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void Direct() => OneConnection(_direct);

    [Benchmark]
    public void ThroughTcpLb()
    {
        OneConnection(_throughTcpLb);
        for (int spin = 0; _server.ActiveConnections > 0; spin++) // accounted: counted, logged, out of the registry
        {
            if (spin > 10_000_000)
            {
                throw new TimeoutException("TcpLb did not account the connection");
            }

            Thread.SpinWait(20);
        }
    }

    private void OneConnection(IPEndPoint target)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(target);
        client.Send(s_request);
        using (Socket backend = _backendListener.Accept())
        {
            ReadRequest(backend); // through TcpLb, after the PROXY header
            backend.Send(s_response);
        }

        while (client.Receive(_buffer) > 0)
        {
            // the response, then the backend's FIN passed on
        }
    }

    // Up to the blank line that ends the request: a backend closing with bytes unread would reset instead of FIN.
    private void ReadRequest(Socket socket)
    {
        int received = 0;
        while (received < 4 || !_buffer.AsSpan(received - 4, 4).SequenceEqual("\r\n\r\n"u8))
        {
            int n = socket.Receive(_buffer.AsSpan(received));
            received += n > 0 ? n : throw new InvalidOperationException("closed before the request came");
        }
    }

    // The admin endpoint's Prometheus exporter reads on scrape; this reader never exports, the instruments are listened to all the same.
    private sealed class NoExport : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
