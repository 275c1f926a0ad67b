using Xunit;

namespace TcpLb.Testing;

/// <summary>
/// A real nginx, one process (no master, no daemon) so it runs as the test's user, with every path in
/// its own directory; <c>{dir}</c> in the given http-block (and optional stream-block) text is replaced by that directory.
/// </summary>
internal static class Nginx
{
    /// <summary>The dynamic stream module as Debian's libnginx-mod-stream installs it.</summary>
    public const string StreamModule = "/usr/lib/nginx/modules/ngx_stream_module.so";

    public static async Task<PeerProcess> StartAsync(string httpBlock, int waitForPort, CancellationToken cancellationToken, string? streamBlock = null)
    {
        string executable = PeerProcess.Require("nginx");
        if (streamBlock is not null && !File.Exists(StreamModule))
        {
            Assert.Skip($"nginx's stream module is not installed ({StreamModule}); .ci/run installs libnginx-mod-stream with apt-get.");
        }

        string directory = PeerProcess.NewDirectory("nginx");
        string stream = streamBlock is null ? string.Empty : $"stream {{\n{streamBlock.Replace("{dir}", directory, StringComparison.Ordinal)}\n}}";
        string config = $$"""
            {{(streamBlock is null ? string.Empty : $"load_module {StreamModule};")}}
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log info;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{directory}}/body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
            {{httpBlock.Replace("{dir}", directory, StringComparison.Ordinal)}}
            }
            {{stream}}

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
