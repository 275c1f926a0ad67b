using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpLb.Testing;

namespace TcpLb.IntegrationTests.EndToEnd;

/// <summary>HTTP/1.1 on a raw socket from 127.0.0.2: one GET with <c>Connection: close</c>, the response read to the FIN.</summary>
internal static class RawHttp
{
    /// <summary>
    /// Connects to <paramref name="target"/> from 127.0.0.2, runs <paramref name="beforeSend"/> (if any), sends
    /// <c>GET /?t=token</c> (to <paramref name="host"/>) and returns the status code and body.
    /// </summary>
    public static async Task<(int Status, string Body)> GetAsync(
        IPEndPoint target, string token, CancellationToken cancellationToken, Func<Task>? beforeSend = null, string host = "e2e.test")
    {
        using Socket client = await Net.ConnectAsync(target, cancellationToken, from: Net.SecondLoopback);
        if (beforeSend is not null)
        {
            await beforeSend();
        }

        byte[] request = Encoding.ASCII.GetBytes($"GET /?t={token} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: tcplb-e2e\r\nConnection: close\r\n\r\n");
        await client.SendAsync(request, SocketFlags.None, cancellationToken);
        string response = Encoding.ASCII.GetString(await Net.ReadToEndAsync(client, cancellationToken));

        int headersEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!response.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || headersEnd < 0)
        {
            throw new InvalidDataException($"not an HTTP/1.1 response: \"{response}\"");
        }

        int status = int.Parse(response.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture);
        return (status, response[(headersEnd + 4)..]);
    }
}
