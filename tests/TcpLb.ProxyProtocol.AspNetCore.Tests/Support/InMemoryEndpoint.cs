using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Support;

/// <summary>
/// The endpoint's connection pipeline as Kestrel builds it (through the public <c>ListenOptions</c> API), run on
/// in-memory connections, for what needs a clock the test controls (<see cref="FakeTimeProvider"/>, from the
/// services as the package takes it) or an exact order of events. The application after the middleware reads
/// once and records what it got.
/// </summary>
internal sealed class InMemoryEndpoint : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly ConnectionDelegate _pipeline;

    public InMemoryEndpoint(Action<ProxyProtocolOptions> configure)
    {
        _services = new ServiceCollection()
            .AddSingleton<TimeProvider>(Time)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddFakeLogging())
            .AddMetrics()
            .BuildServiceProvider();
        var kestrel = new KestrelServerOptions { ApplicationServices = _services };
        ListenOptions? endpoint = null;
        kestrel.Listen(IPAddress.Loopback, 0, listen => endpoint = listen);
        ListenOptions listen = endpoint!;
        listen.UseProxyProtocol(configure);
        listen.Run(ReadOnceAsync);
        _pipeline = listen.Build();
    }

    public CountingTimeProvider Time { get; } = new();

    public IServiceProvider Services => _services;

    public IReadOnlyList<FakeLogRecord> Logs =>
        _services.GetFakeLogCollector().GetSnapshot().Where(record => record.Category == "TcpLb.ProxyProtocol.AspNetCore").ToList();

    /// <summary>Runs the pipeline on <paramref name="connection"/>: synchronously up to the middleware's first wait.</summary>
    public Task RunAsync(InMemoryConnection connection) => _pipeline(connection.Context);

    public void Dispose() => _services.Dispose();

    private static async Task ReadOnceAsync(ConnectionContext context)
    {
        ReadResult read = await context.Transport.Input.ReadAsync();
        ((InMemoryConnection)context.Items[typeof(InMemoryConnection)]!).ApplicationRead = (read.IsCanceled, read.Buffer.ToArray());
        context.Transport.Input.AdvanceTo(read.Buffer.End);
    }
}

/// <summary>One connection of <see cref="InMemoryEndpoint"/>: what the client sends goes through a pipe whose reader's continuations the test runs.</summary>
internal sealed class InMemoryConnection
{
    private readonly Pipe _toServer;

    public InMemoryConnection(IPEndPoint? remote = null)
    {
        _toServer = new Pipe(new PipeOptions(readerScheduler: Continuations, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var toClient = new Pipe();
        Context = new DefaultConnectionContext("in-memory", new DuplexPipe(_toServer.Reader, toClient.Writer), new DuplexPipe(toClient.Reader, _toServer.Writer))
        {
            RemoteEndPoint = remote ?? new IPEndPoint(IPAddress.Loopback, 40000),
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 8080),
        };
        Context.Items[typeof(InMemoryConnection)] = this;
    }

    public DefaultConnectionContext Context { get; }

    /// <summary>The reader's continuations wait here until <see cref="ManualScheduler.RunPending"/>.</summary>
    public ManualScheduler Continuations { get; } = new();

    public bool Aborted => Context.ConnectionClosed.IsCancellationRequested;

    /// <summary>The application's one read: whether it came back cancelled, and its bytes.</summary>
    public (bool Canceled, byte[] Bytes)? ApplicationRead { get; set; }

    public void Send(byte[] bytes)
    {
        _toServer.Writer.Write(bytes);
        ValueTask<FlushResult> flush = _toServer.Writer.FlushAsync();
        if (!flush.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("a test write filled the pipe"); // far below its 64 KiB pause threshold
        }
    }

    public void FinishSending() => _toServer.Writer.Complete();

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}

/// <summary>A <see cref="FakeTimeProvider"/> that also counts the timers made from it.</summary>
internal sealed class CountingTimeProvider : FakeTimeProvider
{
    private int _timersCreated;

    public int TimersCreated() => Volatile.Read(ref _timersCreated);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timersCreated);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}

/// <summary>A <see cref="PipeScheduler"/> that queues continuations until the test runs them.</summary>
internal sealed class ManualScheduler : PipeScheduler
{
    private readonly Queue<(Action<object?> Action, object? State)> _pending = new();

    public override void Schedule(Action<object?> action, object? state)
    {
        lock (_pending)
        {
            _pending.Enqueue((action, state));
        }
    }

    /// <summary>Runs what is queued, and what that queues, up to 100 continuations.</summary>
    public void RunPending()
    {
        for (int i = 0; i < 100; i++)
        {
            (Action<object?> Action, object? State) next;
            lock (_pending)
            {
                if (!_pending.TryDequeue(out next))
                {
                    return;
                }
            }

            next.Action(next.State);
        }
    }
}
