using System.CommandLine;
using TcpLb.Configuration;

namespace TcpLb.Cli;

/// <summary>
/// <c>--engine auto|epoll|sockets</c> and <c>--threads N</c>: process-wide, so, like the log and admin flags, they
/// may also adjust what a config file says. A flag not given leaves the option as it was.
/// </summary>
internal sealed class EngineFlags
{
    private readonly Option<EngineKind?> _engine;
    private readonly Option<int?> _threads;

    public EngineFlags()
    {
        _engine = Flags.Choice<EngineKind?>("--engine",
            "What carries connections: epoll (Linux: event loops, splice), sockets (portable), or auto (epoll on Linux; the default).", null,
            ("auto", EngineKind.Auto), ("epoll", EngineKind.Epoll), ("sockets", EngineKind.Sockets));
        _engine.HelpName = "auto|epoll|sockets";
        _threads = new Option<int?>("--threads")
        {
            Description = "Event loops of the epoll engine; 0 (the default) = one per core the process may use.",
            HelpName = "N",
            CustomParser = result =>
            {
                if (EngineRules.TryParseThreads(result.Tokens[0].Value, out int threads, out string error))
                {
                    return threads;
                }

                result.AddError($"--threads: {error}");
                return null;
            },
        };
    }

    public IEnumerable<Option> All => [_engine, _threads];

    /// <summary>The process options with the flags given applied on top of <paramref name="options"/>.</summary>
    public TcpLbOptions Apply(TcpLbOptions options, ParseResult parsed) => options with
    {
        Engine = options.Engine with
        {
            Kind = parsed.GetValue(_engine) ?? options.Engine.Kind,
            Threads = parsed.GetValue(_threads) ?? options.Engine.Threads,
        },
    };
}
