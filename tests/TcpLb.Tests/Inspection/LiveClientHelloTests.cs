using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using TcpLb.Inspection;
using TcpLb.Testing;
using TcpLb.Tests.Inspection.Support;
using TcpLb.Tests.Support;
using Xunit;

namespace TcpLb.Tests.Inspection;

/// <summary>
/// Hellos from the clients installed here, received on a real loopback socket through a pipe and inspected
/// the way a connection will be: inspect, <c>AdvanceTo(consumed, examined)</c>, read more, until a verdict.
/// </summary>
public sealed class LiveClientHelloTests
{
    [Fact]
    public async Task SslStream_hello_gives_its_TargetHost_and_ApplicationProtocols()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!, deadline.Token);
        using Socket server = await listener.AcceptAsync(deadline.Token);

        var tls = new SslStream(new NetworkStream(client, ownsSocket: false));
        Task handshake = tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "ws.example.com",
                ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            },
            deadline.Token);

        InspectedFacts facts = await InspectFirstBytesAsync(server, deadline.Token);

        Assert.Equal(InspectionStatus.Found, facts.Status);
        Assert.Equal("ws.example.com", facts.ServerName);
        Assert.Equal("h2,http/1.1", facts.Alpn);
        Assert.Equal(0x0304, facts.Version);

        client.Close(); // no server hello is coming: end the client's handshake
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        await tls.DisposeAsync();
    }

    [Fact]
    public async Task Openssl_s_client_hello_gives_its_servername_and_alpn()
    {
        string openssl = PeerProcess.Require("openssl");
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        using PeerProcess client = PeerProcess.Start(
            openssl,
            ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "www.example.com", "-alpn", "h2,http/1.1"],
            PeerProcess.NewDirectory("openssl"),
            redirectInput: true); // an open stdin keeps s_client waiting instead of quitting
        using Socket server = await listener.AcceptAsync(deadline.Token);

        InspectedFacts facts = await InspectFirstBytesAsync(server, deadline.Token);

        Assert.True(facts.Status == InspectionStatus.Found, $"{facts}\n{client.Output}");
        Assert.Equal("www.example.com", facts.ServerName);
        Assert.Equal("h2,http/1.1", facts.Alpn);
    }

    // The connection's loop in part 2: the pipe keeps what was examined and hands it back with more.
    private static async Task<InspectedFacts> InspectFirstBytesAsync(Socket server, CancellationToken cancellationToken)
    {
        PipeReader reader = PipeReader.Create(new NetworkStream(server, ownsSocket: false));
        for (int reads = 0; reads < 1000; reads++)
        {
            ReadResult read = await reader.ReadAsync(cancellationToken);
            InspectionResult result = FirstBytesInspector.Inspect(read.Buffer, InspectionAssert.DefaultCap);
            InspectedFacts facts = InspectedFacts.Of(result);
            reader.AdvanceTo(result.Consumed, result.Examined);
            if (result.Status != InspectionStatus.NeedMore || read.IsCompleted)
            {
                await reader.CompleteAsync();
                return facts;
            }
        }

        throw new InvalidOperationException("no verdict after 1000 reads");
    }
}
