using Microsoft.Extensions.Logging;
using TcpLb.Diagnostics;
using TcpLb.Discovery;
using TcpLb.Forwarding;
using TcpLb.Tlvs;

namespace TcpLb.Hosting;

/// <summary>
/// What every running listener shares: the clock, logs (the access log too), metrics, the process's connection budget,
/// the registry of open connections, the engine that carries them, one DNS resolver, one source of connection ids.
/// </summary>
internal sealed class ListenerContext(TimeProvider time, ILoggerFactory loggers, TcpLbMetrics metrics, ConnectionBudget processBudget, ConnectionRegistry registry, IConnectionEngine engine)
{
    private IDnsResolver? _resolver;

    public TimeProvider Time { get; } = time;

    public ILoggerFactory Loggers { get; } = loggers;

    public ILogger Logger { get; } = loggers.CreateLogger("TcpLb");

    public TcpLbMetrics Metrics { get; } = metrics;

    /// <summary>The access log: its own category, so it can be switched off or routed apart.</summary>
    public ILogger AccessLog { get; } = loggers.CreateLogger(Diagnostics.AccessLog.Category);

    public ConnectionBudget ProcessBudget { get; } = processBudget;

    /// <summary>Every open connection of the process.</summary>
    public ConnectionRegistry Registry { get; } = registry;

    /// <summary>The engine that accepts and carries connections.</summary>
    public IConnectionEngine Engine { get; } = engine;

    /// <summary>The connections' ids (the access log's <c>id</c>, the UNIQUE_ID TLV): one random prefix per process.</summary>
    public ConnectionIdGenerator Ids { get; } = ConnectionIdGenerator.CreateRandom();

    /// <summary>Created on first use: a process without DNS discovery never builds one.</summary>
    public IDnsResolver Resolver => LazyInitializer.EnsureInitialized(ref _resolver, () => new DnsClientResolver());
}
