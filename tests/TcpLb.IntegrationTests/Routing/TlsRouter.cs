using System.Net;
using TcpLb.ProxyProtocol.Tests.Interop;
using TcpLb.Testing;

namespace TcpLb.IntegrationTests.Routing;

/// <summary>
/// A real nginx standing for one pool of TLS routers: it terminates TLS behind <c>proxy_protocol</c> (<c>listen ... ssl
/// proxy_protocol</c>) with a certificate of its own, and answers each request with who it is and who it saw:
/// <c>pool=NAME sni=$ssl_server_name client=$proxy_protocol_addr:$proxy_protocol_port via=$remote_addr</c>.
/// </summary>
internal sealed class TlsRouter : IDisposable
{
    private readonly PeerProcess _nginx;

    private TlsRouter(PeerProcess nginx, IPEndPoint endPoint)
    {
        _nginx = nginx;
        EndPoint = endPoint;
    }

    /// <summary>The TLS port, which requires a PROXY header.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>What nginx logged so far (its handshake and PROXY errors among them).</summary>
    public string ErrorLog => File.Exists(Path.Combine(_nginx.Directory, "error.log")) ? File.ReadAllText(Path.Combine(_nginx.Directory, "error.log")) : string.Empty;

    public static async Task<TlsRouter> StartAsync(string pool, SelfSignedCertificate certificate, CancellationToken cancellationToken)
    {
        int tlsPort = LoopbackPorts.Free();
        int plainPort = LoopbackPorts.Free();
        string http = $$"""
              default_type text/plain;
              server {
                listen 127.0.0.1:{{tlsPort}} ssl proxy_protocol;
                ssl_certificate {{certificate.PemPath}};
                ssl_certificate_key {{certificate.PemPath}};
                location / {
                  return 200 "pool={{pool}} sni=$ssl_server_name client=$proxy_protocol_addr:$proxy_protocol_port via=$remote_addr\n";
                }
              }
              server {
                listen 127.0.0.1:{{plainPort}};
                return 200 "up\n";
              }
            """;

        // Waited on through the plain port: a probe of the TLS port would be a connection without a header.
        PeerProcess nginx = await Nginx.StartAsync(http, plainPort, cancellationToken);
        return new TlsRouter(nginx, new IPEndPoint(IPAddress.Loopback, tlsPort));
    }

    public void Dispose() => _nginx.Dispose();
}
