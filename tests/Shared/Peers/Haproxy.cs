namespace TcpLb.Testing;

/// <summary>A real HAProxy from a generated TCP config. A "ready" frontend tells when every bind is done (they happen together at start-up).</summary>
internal static class Haproxy
{
    public static async Task<PeerProcess> StartAsync(string sections, CancellationToken cancellationToken)
    {
        string executable = PeerProcess.Require("haproxy");
        string directory = PeerProcess.NewDirectory("haproxy");
        int readyPort = LoopbackPorts.Free();
        string config = $"""
            global
              maxconn 256
            defaults
              mode tcp
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            frontend ready
              bind 127.0.0.1:{readyPort}
              tcp-request connection reject
            {sections}

            """; // HAProxy wants the last line ended
        string configPath = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(configPath, config, cancellationToken);
        PeerProcess haproxy = PeerProcess.Start(executable, ["-db", "-f", configPath], directory);
        try
        {
            await haproxy.WaitUntilAcceptingAsync(readyPort, cancellationToken);
            return haproxy;
        }
        catch
        {
            haproxy.Dispose();
            throw;
        }
    }
}
