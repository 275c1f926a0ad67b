namespace TcpLb.Configuration;

/// <summary>Which engine carries connections (<c>--engine</c>, config key <c>engine</c>).</summary>
internal enum EngineKind
{
    /// <summary>The event-loop engine on Linux, the sockets engine elsewhere.</summary>
    Auto,

    /// <summary>Linux only: one epoll event loop per thread, splice for bulk transfers.</summary>
    Epoll,

    /// <summary>The portable engine on System.Net.Sockets and System.IO.Pipelines.</summary>
    Sockets,
}
