namespace TcpLb.Testing;

/// <summary>
/// A real nginx, one process (no master, no daemon) so it runs as the test's user, with every path in
/// its own directory; <c>{dir}</c> in the given http-block text is replaced by that directory.
/// </summary>
internal static class Nginx
{
    public static async Task<PeerProcess> StartAsync(string httpBlock, int waitForPort, CancellationToken cancellationToken)
    {
        string executable = PeerProcess.Require("nginx");
        string directory = PeerProcess.NewDirectory("nginx");
        string config = $$"""
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
