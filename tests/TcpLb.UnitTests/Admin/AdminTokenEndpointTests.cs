using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TcpLb.Admin;
using TcpLb.Configuration;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Admin;

/// <summary>
/// The bearer token on a real Kestrel: each path but <c>/healthz</c> answers 401 without it and serves with it; a
/// non-loopback address (every address, or one of this host's interfaces) does not start open unless told to.
/// </summary>
public sealed class AdminTokenEndpointTests : IDisposable
{
    private const string Token = "9f86d081884c7d659a2feaa0c55ad015";

    private readonly string _directory = Directory.CreateTempSubdirectory("tcplb-admin-token-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task With_a_token_every_path_but_healthz_answers_401_without_it_and_serves_with_it()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        CancellationToken cancellationToken = deadline.Token;
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint));
        Assert.True(AdminAccess.TryDecide(new IPEndPoint(IPAddress.Loopback, 0), Token, false, out AdminAccess? access, out _));
        await using AdminEndpoint admin = await AdminEndpoint.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), access, lb.Server, NullLoggerFactory.Instance, cancellationToken);
        var root = new Uri(admin.Url);
        using var anonymous = new HttpClient();
        using var holder = new HttpClient { DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };
        using var guesser = new HttpClient { DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", Token[..^1] + "0") } };

        using (HttpResponseMessage healthz = await anonymous.GetAsync(new Uri(root, "/healthz"), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, healthz.StatusCode); // liveness probes carry no token
        }

        foreach (string path in (string[])["/metrics", "/status", "/ready", "/no-such-path"])
        {
            using HttpResponseMessage refused = await anonymous.GetAsync(new Uri(root, path), cancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer realm=\"tcplb\"", refused.Headers.WwwAuthenticate.ToString());
            Assert.DoesNotContain("tcplb_", await refused.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
            using HttpResponseMessage wrong = await guesser.GetAsync(new Uri(root, path), cancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        foreach (string path in (string[])["/metrics", "/status", "/ready"])
        {
            using HttpResponseMessage served = await holder.GetAsync(new Uri(root, path), cancellationToken);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using HttpResponseMessage unknown = await holder.GetAsync(new Uri(root, "/no-such-path"), cancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task On_0_0_0_0_without_a_token_the_endpoint_does_not_start()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint));
        var options = new AdminOptions { Listen = new IPEndPoint(IPAddress.Any, 0) };
        await using var service = new AdminHostedService(options, lb.Server, NullLoggerFactory.Instance, optional: false, environment: _ => null);

        var failure = await Assert.ThrowsAsync<AdminEndpointException>(() => service.StartAsync(deadline.Token));

        Assert.StartsWith("the admin endpoint on 0.0.0.0:0 would be open to the network without a token: ", failure.Message, StringComparison.Ordinal);
        Assert.Null(service.Url);
    }

    [Fact]
    public async Task On_0_0_0_0_with_allow_unauthenticated_the_endpoint_serves_without_a_token()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint));
        var options = new AdminOptions { Listen = new IPEndPoint(IPAddress.Any, 0), AllowUnauthenticated = true };
        await using var service = new AdminHostedService(options, lb.Server, NullLoggerFactory.Instance, optional: false, environment: _ => null);
        await service.StartAsync(deadline.Token);
        using var http = new HttpClient();

        using HttpResponseMessage metrics = await http.GetAsync(new Uri($"http://127.0.0.1:{new Uri(service.Url!).Port}/metrics"), deadline.Token);

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        await service.StopAsync(deadline.Token);
    }

    [Fact]
    public async Task On_0_0_0_0_with_the_token_in_a_file_only_its_holder_is_served()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint));
        string tokenFile = Path.Combine(_directory, "token");
        await File.WriteAllTextAsync(tokenFile, Token + "\n", deadline.Token);
        var options = new AdminOptions { Listen = new IPEndPoint(IPAddress.Any, 0), TokenFile = tokenFile };
        await using var service = new AdminHostedService(options, lb.Server, NullLoggerFactory.Instance, optional: false, environment: _ => null);
        await service.StartAsync(deadline.Token);

        await AssertTokenRequiredAsync(new Uri($"http://127.0.0.1:{new Uri(service.Url!).Port}"), deadline.Token);
        await service.StopAsync(deadline.Token);
    }

    [Fact]
    public async Task On_an_interface_address_of_this_host_the_token_from_the_environment_is_required()
    {
        // 127.0.0.0/8 is all loopback: a real non-loopback bind needs an interface address (a container's eth0).
        if (NonLoopbackAddress() is not { } address)
        {
            Assert.Skip("this host has no non-loopback IPv4 address on an interface that is up (ip addr); the decision itself is tested in AdminAccessTests");
            return;
        }

        using CancellationTokenSource deadline = TestDeadline.Start();
        using var backend = new TestBackend();
        await using var lb = await TcpLbUnderTest.StartAsync(TcpLbUnderTest.Options(backend.EndPoint));
        var options = new AdminOptions { Listen = new IPEndPoint(address, 0) };
        await using var service = new AdminHostedService(options, lb.Server, NullLoggerFactory.Instance, optional: false,
            environment: name => name == AdminToken.Variable ? Token : null);
        await service.StartAsync(deadline.Token);

        var root = new Uri(service.Url!);
        Assert.Equal(address.ToString(), root.Host);
        await AssertTokenRequiredAsync(root, deadline.Token);
        await service.StopAsync(deadline.Token);
    }

    private static async Task AssertTokenRequiredAsync(Uri root, CancellationToken cancellationToken)
    {
        using var anonymous = new HttpClient();
        using var holder = new HttpClient { DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };
        using HttpResponseMessage refused = await anonymous.GetAsync(new Uri(root, "/metrics"), cancellationToken);
        using HttpResponseMessage served = await holder.GetAsync(new Uri(root, "/metrics"), cancellationToken);
        using HttpResponseMessage healthz = await anonymous.GetAsync(new Uri(root, "/healthz"), cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
    }

    private static IPAddress? NonLoopbackAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
        .Select(unicast => unicast.Address)
        .FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address));
}
