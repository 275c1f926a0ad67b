using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TcpLb.Configuration;
using TcpLb.ProxyProtocol;
using TcpLb.Model;

namespace TcpLb.Health;

/// <summary>
/// What both probes share: where a check connects (the backend, or the check port on the same host), the
/// PROXY header it opens with (v2 LOCAL or v1 <c>PROXY UNKNOWN</c>, rule 25), and how a failure reads in a log.
/// </summary>
internal sealed class ProbeDialer
{
    private readonly int _checkPort;
    private readonly ReadOnlyMemory<byte> _header;

    public ProbeDialer(HealthCheckOptions options, ProxySendMode sendProxy)
    {
        ArgumentNullException.ThrowIfNull(options);
        _checkPort = options.Port;
        _header = sendProxy switch
        {
            ProxySendMode.V1 => Encode(ProxyVersion.V1),
            ProxySendMode.V2 => Encode(ProxyVersion.V2),
            _ => ReadOnlyMemory<byte>.Empty,
        };
    }

    /// <summary>The address a check of <paramref name="backend"/> connects to.</summary>
    public EndPoint TargetOf(BackendState backend) => _checkPort == 0 ? backend.Address : backend.Address switch
    {
        IPEndPoint ip => new IPEndPoint(ip.Address, _checkPort),
        DnsEndPoint dns => new DnsEndPoint(dns.Host, _checkPort, dns.AddressFamily),
        EndPoint other => other,
    };

    /// <summary>
    /// The header a check of <paramref name="backend"/> sends first; empty when the pool sends none or when the
    /// check goes to another port (the Deis router's <c>:9090/healthz</c> is a plain HTTP server).
    /// </summary>
    public ReadOnlyMemory<byte> HeaderFor(BackendState backend) =>
        _checkPort == 0 || _checkPort == PortOf(backend.Address) ? _header : ReadOnlyMemory<byte>.Empty;

    public static int PortOf(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.Port,
        DnsEndPoint dns => dns.Port,
        _ => 0,
    };

    /// <summary>A connected socket; a DNS name is resolved here, on every check, so a changed record is followed.</summary>
    public static async Task<Socket> ConnectAsync(EndPoint target, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The few words a log line gives a socket failure.</summary>
    public static string Describe(SocketException exception) => exception.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connect refused",
        SocketError.TimedOut => "connect timed out",
        SocketError.ConnectionReset => "reset by the backend",
        SocketError.ConnectionAborted or SocketError.Shutdown => "connection closed by the backend",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "name not resolved",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown => "unreachable",
        SocketError error => string.Create(CultureInfo.InvariantCulture, $"socket error {error}"),
    };

    /// <summary>"after 1 s", "after 0.3 s": the timeout as the reasons say it.</summary>
    public static string AfterTimeout(TimeSpan timeout) => string.Create(CultureInfo.InvariantCulture, $"after {timeout.TotalSeconds:0.###} s");

    private static ReadOnlyMemory<byte> Encode(ProxyVersion version)
    {
        // v1 UNKNOWN is 15 bytes and v2 LOCAL 16: both fit the longest v1 line.
        Span<byte> buffer = stackalloc byte[ProxyHeaderWriter.MaxV1Length];
        int length = ProxyHeaderWriter.Write(buffer, ProxyHeader.Local(), version);
        return buffer[..length].ToArray();
    }
}
