using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Configuration;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.IntegrationTests.EndToEnd;

/// <summary>
/// A router dies under load (a real nginx stopped by its PID): only the connections it carried are lost,
/// and new connections go to the other router at once (the refused connect is retried elsewhere).
/// </summary>
public sealed class RouterFailureTests
{
    [Theory, BothEngines]
    public async Task A_router_killed_mid_load_costs_only_its_connections_and_new_ones_go_to_the_other(Engine engine)
    {
        PeerProcess.Require("nginx");
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        (PeerProcess routerA, IPEndPoint a) = await StartRouterAsync("router-a", cancellationToken);
        (PeerProcess routerB, IPEndPoint b) = await StartRouterAsync("router-b", cancellationToken);
        using (routerB)
        {
            ListenerOptions options = TcpLbUnderTest.Options(a, b) with
            {
                SendProxy = ProxySendMode.V1,
                Balance = "round-robin",
                HealthCheck = new HealthCheckOptions { Kind = HealthCheckKind.Tcp, Interval = TimeSpan.FromMilliseconds(500), Fall = 1 },
            };
            await using var lb = await TcpLbUnderTest.StartAsync(options, engine: engine);

            // Long-lived keep-alive connections, some on each router.
            var held = new List<(Socket Socket, string Router)>();
            for (int i = 0; i < 6; i++)
            {
                Socket socket = await Net.ConnectAsync(lb.EndPoint, cancellationToken, from: Net.SecondLoopback);
                held.Add((socket, await KeepAliveGetAsync(socket, cancellationToken)));
            }

            Assert.Contains(held, h => h.Router == "router-a");
            Assert.Contains(held, h => h.Router == "router-b");

            // Load: 4 workers, one new connection per request, while router A is killed.
            int killAfter = 40;
            int started = 0;
            var failuresAfterKill = new List<string>();
            var answeredAfterKill = new List<string>();
            var killed = new TaskCompletionSource();
            async Task WorkerAsync()
            {
                for (int request = 0; request < 50; request++)
                {
                    int number = Interlocked.Increment(ref started);
                    if (number == killAfter)
                    {
                        routerA.Dispose(); // stopped by its PID
                        killed.TrySetResult();
                    }

                    bool afterKill = killed.Task.IsCompleted;
                    try
                    {
                        (int status, string body) = await RawHttp.GetAsync(lb.EndPoint, $"r{number}", cancellationToken);
                        if (afterKill)
                        {
                            lock (answeredAfterKill)
                            {
                                answeredAfterKill.Add($"{status} {body.Trim()}");
                            }
                        }
                    }
                    catch (Exception exception) when (exception is SocketException or InvalidDataException or EndOfStreamException)
                    {
                        if (afterKill)
                        {
                            lock (failuresAfterKill)
                            {
                                failuresAfterKill.Add(exception.Message);
                            }
                        }
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => WorkerAsync()));

            // Every connection opened after the kill was answered, by router B.
            Assert.Empty(failuresAfterKill);
            Assert.NotEmpty(answeredAfterKill);
            Assert.All(answeredAfterKill, answer => Assert.Equal("200 router-b", answer));

            // The held connections: router A's are gone, router B's still work.
            foreach ((Socket socket, string router) in held)
            {
                using (socket)
                {
                    if (router == "router-a")
                    {
                        Assert.Contains(await Net.ReadEndAsync(socket, cancellationToken), new[] { "fin", "reset" });
                    }
                    else
                    {
                        Assert.Equal("router-b", await KeepAliveGetAsync(socket, cancellationToken));
                    }
                }
            }
        }
    }

    private static async Task<(PeerProcess Nginx, IPEndPoint EndPoint)> StartRouterAsync(string name, CancellationToken cancellationToken)
    {
        int port = LoopbackPorts.Free();
        int readyPort = LoopbackPorts.Free();
        PeerProcess nginx = await Nginx.StartAsync($$"""
              server {
                listen 127.0.0.1:{{port}} proxy_protocol;
                keepalive_timeout 60s;
                location / { return 200 "{{name}}\n"; }
              }
              server {
                listen 127.0.0.1:{{readyPort}};
                location / { return 204; }
              }
            """, readyPort, cancellationToken);
        return (nginx, new IPEndPoint(IPAddress.Loopback, port));
    }

    // One keep-alive request on an open connection; returns the body (the router's name), read by Content-Length.
    private static async Task<string> KeepAliveGetAsync(Socket socket, CancellationToken cancellationToken)
    {
        await socket.SendAsync("GET / HTTP/1.1\r\nHost: e2e.test\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
        string text = string.Empty;
        byte[] buffer = new byte[4096];
        while (true)
        {
            int headersEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headersEnd >= 0)
            {
                var length = System.Text.RegularExpressions.Regex.Match(text[..headersEnd], @"Content-Length: (\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
                int bodyLength = int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (text.Length - headersEnd - 4 >= bodyLength)
                {
                    return text.Substring(headersEnd + 4, bodyLength).Trim();
                }
            }

            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException($"closed mid-response: {text}");
            }

            text += Encoding.ASCII.GetString(buffer, 0, read);
        }
    }
}
