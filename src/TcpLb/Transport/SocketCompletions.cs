namespace TcpLb.Transport;

/// <summary>
/// Where socket completions run. By default .NET hands each one from its epoll thread to the thread pool;
/// inline, the continuation (the pump's next read, and through the pipe's inline schedulers the send on the
/// other socket) runs on the epoll thread itself: no thread hop and no wake-up per read, one event loop per
/// core as HAProxy and nginx run. Measured with lb-bench (bench/README.md): fewer CPU-seconds per connection
/// and per GiB. Inline completions need continuations that never block; nothing in TcpLb blocks in one.
/// </summary>
internal static class SocketCompletions
{
    public const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Turns inline completions on unless the variable is already set (an explicit 0 wins). Must run before the
    /// first socket exists: the runtime reads the variable once, when its socket engine starts.
    /// </summary>
    public static void PreferInline()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(InlineVariable)))
        {
            Environment.SetEnvironmentVariable(InlineVariable, "1");
        }
    }
}
