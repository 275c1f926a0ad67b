using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace TcpLb.Testing;

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

    /// <summary>One round trip on an open connection through TcpLb to an echo backend: <paramref name="text"/> comes back.</summary>
    public static async Task AssertEchoesAsync(Socket client, string text, CancellationToken cancellationToken)
    {
        byte[] sent = Encoding.ASCII.GetBytes(text);
        await client.SendAsync(sent, SocketFlags.None, cancellationToken);
        Assert.Equal(text, Encoding.ASCII.GetString(await Net.ReadExactlyAsync(client, sent.Length, cancellationToken)));
    }

    /// <summary>A whole connection through TcpLb on 127.0.0.1:<paramref name="port"/>: <paramref name="length"/> random bytes, FIN, every byte back, FIN.</summary>
    public static async Task AssertWholeConnectionAsync(int port, int length, CancellationToken cancellationToken)
    {
        using Socket client = await Net.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        byte[] sent = new byte[length];
        Random.Shared.NextBytes(sent);
        await client.SendAsync(sent, SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(sent, await Net.ReadToEndAsync(client, cancellationToken));
    }
}
