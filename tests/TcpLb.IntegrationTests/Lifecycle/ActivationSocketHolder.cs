using System.Globalization;
using System.Text.RegularExpressions;
using TcpLb.Testing;

namespace TcpLb.IntegrationTests.Lifecycle;

/// <summary>
/// systemd's part in a binary upgrade, played by real programs: <c>systemd-socket-activate</c> binds the
/// listening socket and execs a small bash that keeps it as descriptor 3 and, for each line written to its
/// input, starts one more <c>tcplb</c> on that same socket with <c>LISTEN_PID</c> set to the new process's
/// own pid — as systemd starts a second service instance on one socket unit. The bash reports
/// <c>tcplb-started PID</c> and <c>tcplb-exited PID CODE</c>; all output is interleaved in <see cref="Output"/>.
/// </summary>
internal sealed partial class ActivationSocketHolder : IDisposable
{
    // "$@" is the tcplb command; each input line adds arguments for one instance. The subshell's own pid
    // ($BASHPID) survives exec, so LISTEN_PID names the tcplb process, as sd_listen_fds requires.
    private const string Script = """
        launch() {
          ( export LISTEN_PID=$BASHPID; exec "$@" ) &
          local pid=$!
          echo "tcplb-started $pid"
          wait "$pid"
          echo "tcplb-exited $pid $?"
        }
        while read -r -a extra; do
          launch "$@" "${extra[@]}" &
        done
        wait
        """;

    private readonly PeerProcess _holder;
    private readonly int _port;

    private ActivationSocketHolder(PeerProcess holder, int port)
    {
        _holder = holder;
        _port = port;
    }

    public string Output => _holder.Output;

    /// <summary>
    /// Binds 127.0.0.1:<paramref name="port"/> in <c>systemd-socket-activate</c> (skips naming it when missing) and
    /// waits until it accepts; the first connection makes it exec the holder, which then waits for <see cref="LaunchAsync"/>.
    /// </summary>
    public static async Task<ActivationSocketHolder> StartAsync(int port, IEnumerable<string> tcplbArguments, CancellationToken cancellationToken)
    {
        string activate = PeerProcess.Require("systemd-socket-activate");
        string[] arguments = ["-l", $"127.0.0.1:{port}", "--fdname=public", "--", "bash", "-c", Script, "holder", "dotnet", Tcplb.DllPath, .. tcplbArguments];
        PeerProcess holder = PeerProcess.Start(activate, arguments, PeerProcess.NewDirectory("activation"), redirectInput: true);
        try
        {
            // This probe is the "communication attempt" systemd-socket-activate waits for before it execs.
            await holder.WaitUntilAcceptingAsync(port, cancellationToken);
            return new ActivationSocketHolder(holder, port);
        }
        catch
        {
            holder.Dispose();
            throw;
        }
    }

    /// <summary>Starts one more tcplb on the socket and waits until it accepts on it; returns its pid.</summary>
    public async Task<int> LaunchAsync(string extraArguments, CancellationToken cancellationToken)
    {
        int before = StartedPids().Count;
        string adopted = $"Accepting on socket 3 (public) passed by systemd for 127.0.0.1:{_port}";
        string listening = $"Listening on 127.0.0.1:{_port}";
        int adoptedBefore = Count(adopted);
        int listeningBefore = Count(listening);
        _holder.WriteLine(extraArguments);
        await TcpLbUnderTest.WaitUntilAsync(() => StartedPids().Count > before, "the holder started tcplb", cancellationToken);
        await TcpLbUnderTest.WaitUntilAsync(() => Count(adopted) > adoptedBefore && Count(listening) > listeningBefore,
            $"the new tcplb accepts on the socket passed to it\n{Output}", cancellationToken);
        return StartedPids()[before];
    }

    /// <summary>The exit code of tcplb <paramref name="pid"/>, or null while it runs.</summary>
    public int? ExitCode(int pid)
    {
        Match exited = Regex.Match(Output, $@"^tcplb-exited {pid} (\d+)$", RegexOptions.Multiline);
        return exited.Success ? int.Parse(exited.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>How many times <paramref name="text"/> appears in the output.</summary>
    public int Count(string text) => Regex.Count(Output, Regex.Escape(text));

    private List<int> StartedPids() =>
        [.. StartedLine().Matches(Output).Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"^tcplb-started (\d+)$", RegexOptions.Multiline)]
    private static partial Regex StartedLine();

    public void Dispose() => _holder.Dispose();
}
