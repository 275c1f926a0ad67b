namespace TcpLb.Configuration;

/// <summary>The engine and how many event loops it runs (process-wide: every listener shares them).</summary>
internal sealed record EngineOptions
{
    /// <summary>The most event loops <c>threads</c> takes.</summary>
    public const int MaxThreads = 1024;

    /// <summary><c>--engine</c>: <c>auto</c> is epoll on Linux, sockets elsewhere.</summary>
    public EngineKind Kind { get; init; } = EngineKind.Auto;

    /// <summary><c>--threads</c>: event loops (epoll engine); 0 = one per core the process may use.</summary>
    public int Threads { get; init; }

    /// <summary>The engine <see cref="Kind"/> means on this machine.</summary>
    public EngineKind Resolved => Kind == EngineKind.Auto ? (OperatingSystem.IsLinux() ? EngineKind.Epoll : EngineKind.Sockets) : Kind;

    /// <summary>The loops to run: <see cref="Threads"/>, or the cores this process may use (its CPU affinity).</summary>
    public int ResolvedThreads => Threads > 0 ? Threads : Environment.ProcessorCount;
}
