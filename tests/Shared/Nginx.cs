namespace TcpLb.Testing;

/// <summary>
/// A real nginx, one process (no master, no daemon) so it runs as the test's user, with every path in
/// its own directory; <c>{dir}</c> in the given block text is replaced by that directory.
/// </summary>
internal static class Nginx
{
    /// <summary>Debian's libnginx-mod-stream: nginx is built with <c>--with-stream=dynamic</c>.</summary>
    private const string StreamModule = "/usr/lib/nginx/modules/ngx_stream_module.so";

    public static Task<PeerProcess> StartAsync(string httpBlock, int waitForPort, CancellationToken cancellationToken) =>
        StartWithAsync(string.Empty, directory => $$"""
            http {
              access_log off;
              client_body_temp_path {{directory}}/body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
            {{httpBlock.Replace("{dir}", directory, StringComparison.Ordinal)}}
            }
            """, waitForPort, cancellationToken);

    /// <summary>nginx as a TCP proxy: <paramref name="streamBlock"/> goes inside <c>stream { }</c> (skips naming the module when it is missing).</summary>
    public static Task<PeerProcess> StartStreamAsync(string streamBlock, int waitForPort, CancellationToken cancellationToken)
    {
        PeerProcess.Require("nginx");
        if (!File.Exists(StreamModule))
        {
            Xunit.Assert.Skip($"nginx's stream module is not installed ({StreamModule}); .ci/run installs libnginx-mod-stream with apt-get.");
        }

        return StartWithAsync($"load_module {StreamModule};", directory => $$"""
            stream {
            {{streamBlock.Replace("{dir}", directory, StringComparison.Ordinal)}}
            }
            """, waitForPort, cancellationToken);
    }

    private static async Task<PeerProcess> StartWithAsync(string modules, Func<string, string> block, int waitForPort, CancellationToken cancellationToken)
    {
        string executable = PeerProcess.Require("nginx");
        string directory = PeerProcess.NewDirectory("nginx");
        string config = $$"""
            {{modules}}
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log info;
            events { worker_connections 256; }
            {{block(directory)}}

            """;
        string configPath = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(configPath, config, cancellationToken);
        PeerProcess nginx = PeerProcess.Start(executable, ["-p", directory, "-c", configPath], directory);
        try
        {
            await nginx.WaitUntilAcceptingAsync(waitForPort, cancellationToken);
            return nginx;
        }
        catch
        {
            nginx.Dispose();
            throw;
        }
    }
}
