using System.Net;
using System.Net.Sockets;
using TcpLb.Tests.Support;

namespace TcpLb.Tests.Reload;

/// <summary>One client conversation through TcpLb with an <see cref="EchoBackend"/>: rounds of random bytes, each checked byte for byte.</summary>
internal static class EchoClient
{
    /// <summary>Connects, does <paramref name="rounds"/> request/response rounds, closes; throws on any refusal, reset or wrong byte.</summary>
    public static async Task ConverseAsync(IPEndPoint target, int rounds, int size, Random random, CancellationToken cancellationToken)
    {
        using Socket socket = await Net.ConnectAsync(target, cancellationToken);
        for (int round = 0; round < rounds; round++)
        {
            await RoundAsync(socket, size, random, cancellationToken);
        }

        socket.Shutdown(SocketShutdown.Send);
        byte[] rest = await Net.ReadToEndAsync(socket, cancellationToken);
        if (rest.Length != 0)
        {
            throw new InvalidDataException($"{rest.Length} unexpected bytes after the last round");
        }
    }

    /// <summary>Sends <paramref name="size"/> random bytes and checks they all come back, in order.</summary>
    public static async Task RoundAsync(Socket socket, int size, Random random, CancellationToken cancellationToken)
    {
        byte[] sent = new byte[size];
        random.NextBytes(sent);
        await socket.SendAsync(sent, SocketFlags.None, cancellationToken);
        byte[] received = await Net.ReadExactlyAsync(socket, size, cancellationToken);
        if (!received.AsSpan().SequenceEqual(sent))
        {
            throw new InvalidDataException($"corrupted echo: {size} bytes sent, different bytes came back");
        }
    }
}
