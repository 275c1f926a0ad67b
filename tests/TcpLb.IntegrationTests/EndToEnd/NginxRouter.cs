using System.Net;
using TcpLb.Testing;

namespace TcpLb.IntegrationTests.EndToEnd;

/// <summary>
/// A real nginx set up as a Deis-style router. Server A listens with <c>proxy_protocol</c>, takes the client
/// address from the header (<c>real_ip_header proxy_protocol</c>, trusting 127.0.0.1 where TcpLb and HAProxy
/// dial from), logs <c>token $proxy_protocol_addr $remote_addr</c> per request, and proxies <c>/</c> to a plain
/// server B that answers <c>xff=$http_x_forwarded_for</c>, and <c>/ws</c> (when given) to a WebSocket upstream.
/// </summary>
internal sealed class NginxRouter : IDisposable
{
    private readonly PeerProcess _nginx;

    private NginxRouter(PeerProcess nginx, IPEndPoint proxyProtocolEndPoint)
    {
        _nginx = nginx;
        ProxyProtocolEndPoint = proxyProtocolEndPoint;
    }

    /// <summary>Server A, the one that requires a PROXY header.</summary>
    public IPEndPoint ProxyProtocolEndPoint { get; }

    public string AccessLogPath => Path.Combine(_nginx.Directory, "access.log");

    public string ErrorLogPath => Path.Combine(_nginx.Directory, "error.log");

    public static async Task<NginxRouter> StartAsync(CancellationToken cancellationToken, IPEndPoint? webSocketUpstream = null)
    {
        int routerPort = LoopbackPorts.Free();
        int appPort = LoopbackPorts.Free();
        string webSocketLocation = webSocketUpstream is null ? string.Empty : $$"""
                location /ws {
                  proxy_pass http://{{webSocketUpstream}};
                  proxy_http_version 1.1;
                  proxy_set_header Upgrade $http_upgrade;
                  proxy_set_header Connection "upgrade";
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_read_timeout 30s;
                  proxy_send_timeout 30s;
                  proxy_buffering off;
                }
            """;
        string http = $$"""
              log_format e2e '$arg_t $proxy_protocol_addr $remote_addr';
              server {
                listen 127.0.0.1:{{routerPort}} proxy_protocol;
                real_ip_header proxy_protocol;
                set_real_ip_from 127.0.0.1;
                access_log {dir}/access.log e2e;
                location / {
                  proxy_pass http://127.0.0.1:{{appPort}};
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                }
            {{webSocketLocation}}
              }
              server {
                listen 127.0.0.1:{{appPort}};
                location / {
                  return 200 "xff=$http_x_forwarded_for\n";
                }
              }
            """;

        // Wait on the plain port: nginx binds every listener at once, and a probe of the PROXY port would log a header-less connection.
        PeerProcess nginx = await Nginx.StartAsync(http, appPort, cancellationToken);
        return new NginxRouter(nginx, new IPEndPoint(IPAddress.Loopback, routerPort));
    }

    /// <summary>Everything nginx wrote to its error log so far (info level and up).</summary>
    public string ReadErrorLog() => ReadShared(ErrorLogPath);

    /// <summary>The access log lines so far, each <c>token $proxy_protocol_addr $remote_addr</c>.</summary>
    public IReadOnlyList<string> ReadAccessLog() => ReadShared(AccessLogPath).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>nginx writes the line when the request ends, which may be just after the client saw the response: poll, bounded.</summary>
    public async Task<string[]> WaitForAccessLogAsync(string token, CancellationToken cancellationToken)
    {
        string[] fields = [];
        try
        {
            await TcpLbUnderTest.WaitUntilAsync(
                () =>
                {
                    string? line = ReadAccessLog().FirstOrDefault(l => l.StartsWith(token + " ", StringComparison.Ordinal));
                    fields = line?.Split(' ') ?? [];
                    return line is not null;
                },
                $"nginx logged the request {token}",
                cancellationToken);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message}\naccess.log:\n{ReadShared(AccessLogPath)}\nerror.log:\n{ReadErrorLog()}", exception);
        }

        return fields;
    }

    public void Dispose() => _nginx.Dispose();

    private static string ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
