using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.Lifecycle;

/// <summary>
/// <c>Type=notify</c> with a real tcplb process: the test plays systemd. Microsoft.Extensions.Hosting.Systemd
/// believes it runs under systemd when its parent process is called <c>systemd</c>, so the parent is bash
/// started through a link of that name; the notification socket is a unix datagram socket the test binds and
/// names in <c>NOTIFY_SOCKET</c>. READY=1 must come only once the listener accepts; STOPPING=1 when SIGTERM
/// starts the drain.
/// </summary>
public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task Ready_is_sent_once_the_listener_accepts_and_stopping_on_SIGTERM()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        await using var backend = new EchoBackend(readsProxyHeader: true);
        string directory = PeerProcess.NewDirectory("notify");
        string socketPath = Path.Combine(directory, "notify.sock");
        using var notifications = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notifications.Bind(new UnixDomainSocketEndPoint(socketPath));

        int port = LoopbackPorts.Free();
        string fakeSystemd = Path.Combine(directory, "systemd");
        File.CreateSymbolicLink(fakeSystemd, PeerProcess.Require("bash"));
        // bash stays the parent (no exec) and reports tcplb's pid and exit code.
        const string script = """dotnet "$@" & pid=$!; echo "tcplb-started $pid"; wait "$pid"; echo "tcplb-exited $?" """;
        string[] arguments = ["-c", script, "systemd", Tcplb.DllPath, "run", .. Tcplb.NoAdmin, "--listen", $"127.0.0.1:{port}", "--backend", backend.EndPoint.ToString(), "--send-proxy", "v1"];
        using PeerProcess parent = PeerProcess.Start(fakeSystemd, arguments, directory, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath });

        Assert.Equal("READY=1", await ReceiveAsync(notifications, cancellationToken));
        // No retry: READY=1 promises the listener is bound (systemd starts dependent units on it).
        using (Socket client = await Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken))
        {
            byte[] sent = Encoding.ASCII.GetBytes("ready means accepting");
            await client.SendAsync(sent, SocketFlags.None, cancellationToken);
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(sent, await Net.ReadToEndAsync(client, cancellationToken));
        }

        // journald's priority prefix: the systemd console format is on.
        await TcpLbUnderTest.WaitUntilAsync(() => parent.Output.Contains("<6>TcpLb[1] Listening on", StringComparison.Ordinal), $"a journald-style log line\n{parent.Output}", cancellationToken);

        int pid = int.Parse(Regex.Match(parent.Output, @"tcplb-started (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        PeerProcess.Signal(pid, PosixSignal.SIGTERM);
        Assert.Equal("STOPPING=1", await ReceiveAsync(notifications, cancellationToken));
        Assert.Equal(0, await parent.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("tcplb-exited 0", parent.Output, StringComparison.Ordinal);
    }

    private static async Task<string> ReceiveAsync(Socket notifications, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[4096];
        int received = await notifications.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, received).Trim();
    }
}
