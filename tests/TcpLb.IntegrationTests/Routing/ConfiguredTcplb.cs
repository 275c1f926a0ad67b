using TcpLb.Testing;

namespace TcpLb.IntegrationTests.Routing;

/// <summary>A real <c>tcplb run --config</c> on one engine (no admin endpoint), from a file the test writes, waited on until it listens.</summary>
internal static class ConfiguredTcplb
{
    /// <summary>
    /// Writes <paramref name="config"/> as <c>tcplb.yaml</c> into <paramref name="directory"/> (the test's, which it removes) and
    /// starts tcplb on it; <paramref name="port"/> is the loopback port the file's listener binds, waited on through tcplb's log.
    /// </summary>
    public static async Task<PeerProcess> StartAsync(string directory, string config, int port, Engine engine, CancellationToken cancellationToken)
    {
        string path = Path.Combine(directory, "tcplb.yaml");
        await File.WriteAllTextAsync(path, config, cancellationToken);
        return await Tcplb.StartListeningAsync(["run", "--config", path, .. Tcplb.NoAdmin, "--engine", engine.Flag()], port, cancellationToken);
    }
}
