using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace TcpLb.IntegrationTests.Chaos;

/// <summary>
/// Continuous mixed traffic through TcpLb to nginx routers: short requests, short requests with a half-close (the
/// client's FIN right after its request), 1 MiB downloads checked by SHA-256, and long WebSockets echoing a message
/// every 100 ms, each checked byte for byte. Every connection comes from its own loopback source address, so the
/// access log's <c>client=</c> says which backend it had. Nothing is retried: a failure is recorded as it happened.
/// </summary>
internal sealed class MixedLoad(IPEndPoint target, byte[] bulkSha256, int bulkLength, Stopwatch clock)
{
    private readonly ConcurrentQueue<Transfer> _transfers = new();
    private int _next;

    public IReadOnlyCollection<Transfer> Transfers => [.. _transfers];

    /// <summary>Runs <paramref name="workers"/> clients until <paramref name="until"/>, each picking its next transfer at random.</summary>
    public Task RunAsync(int workers, TimeSpan until, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (clock.Elapsed < until && !cancellationToken.IsCancellationRequested)
            {
                int pick = random.Next(100);
                string kind = pick < 40 ? "short" : pick < 55 ? "half-close" : pick < 75 ? "bulk" : "websocket";
                await OneAsync(kind, random, cancellationToken);
            }
        }, cancellationToken)));

    private async Task OneAsync(string kind, Random random, CancellationToken cancellationToken)
    {
        int n = Interlocked.Increment(ref _next);
        var source = new IPEndPoint(new IPAddress([127, 2, (byte)(((n / 250) % 250) + 1), (byte)((n % 250) + 1)]), 0);
        TimeSpan start = clock.Elapsed;
        IPEndPoint client = source;
        long bytes = 0;
        string? failure = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30)); // a hung connection is a failure, not a hung test
            if (kind == "websocket")
            {
                bytes = await WebSocketAsync(source, bound => client = bound, TimeSpan.FromSeconds(3 + random.Next(8)), random, timeout.Token);
            }
            else
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(source);
                client = (IPEndPoint)socket.LocalEndPoint!;
                await socket.ConnectAsync(target, timeout.Token);
                bytes = await HttpAsync(socket, kind, timeout.Token);
            }
        }
        catch (Exception exception) when (exception is SocketException or IOException or WebSocketException or OperationCanceledException or InvalidDataException)
        {
            failure = $"{exception.GetType().Name}: {exception.Message}";
        }

        _transfers.Enqueue(new Transfer(kind, client, start, clock.Elapsed, bytes, failure));
    }

    private async Task<long> HttpAsync(Socket socket, string kind, CancellationToken cancellationToken)
    {
        string path = kind == "bulk" ? "/bulk" : "/small";
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: chaos\r\nConnection: close\r\n\r\n"), SocketFlags.None, cancellationToken);
        if (kind == "half-close")
        {
            socket.Shutdown(SocketShutdown.Send); // the router must still answer, and TcpLb carry the answer back
        }

        using var response = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            response.Write(buffer, 0, read);
        }

        byte[] all = response.ToArray();
        int headEnd = all.AsSpan().IndexOf("\r\n\r\n"u8);
        if (headEnd < 0 || !all.AsSpan().StartsWith("HTTP/1.1 200 "u8))
        {
            throw new InvalidDataException($"no 200 response ({all.Length} bytes)");
        }

        ReadOnlySpan<byte> body = all.AsSpan(headEnd + 4);
        bool exact = kind == "bulk"
            ? body.Length == bulkLength && SHA256.HashData(body).AsSpan().SequenceEqual(bulkSha256)
            : body.StartsWith("small-"u8) && body.EndsWith("\n"u8);
        return exact ? body.Length : throw new InvalidDataException($"{kind} body of {body.Length} bytes is not the one sent");
    }

    // bound: told the client's address and port once its socket is bound, so a failure later still names it.
    private async Task<long> WebSocketAsync(IPEndPoint source, Action<IPEndPoint> bound, TimeSpan length, Random random, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(source);
                bound((IPEndPoint)socket.LocalEndPoint!);
                await socket.ConnectAsync(target, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var invoker = new HttpMessageInvoker(handler);
        using var webSocket = new ClientWebSocket();
        await webSocket.ConnectAsync(new Uri($"ws://{target}/ws"), invoker, cancellationToken);

        long bytes = 0;
        byte[] message = new byte[1 + random.Next(4096)];
        byte[] received = new byte[8192];
        var since = Stopwatch.StartNew();
        while (since.Elapsed < length)
        {
            random.NextBytes(message);
            await webSocket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
            int got = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await webSocket.ReceiveAsync(received.AsMemory(got), cancellationToken);
                got += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close || !received.AsSpan(0, got).SequenceEqual(message))
            {
                throw new InvalidDataException($"the echo of a {message.Length}-byte message was {got} bytes, not the same");
            }

            bytes += got;
            await Task.Delay(100, cancellationToken);
        }

        await webSocket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken);
        return bytes;
    }
}
