extern alias TcpLbApp;

using System.Net;
using TcpLbApp::TcpLb.Configuration;
using TcpLbApp::TcpLb.Model;

namespace TcpLb.Benchmarks.Balancing;

/// <summary>The tiers the balancing benchmarks choose from, on the real clock as in production.</summary>
internal static class BenchmarkBackends
{
    /// <summary>
    /// <paramref name="count"/> backends of weights 1, 2, 3, 4, 1, 2, ...; when <paramref name="busy"/>, each
    /// holds 0 to 49 open connections (seeded, so every run measures the same state), otherwise none.
    /// </summary>
    public static PoolTier Tier(int count, bool busy)
    {
        var random = new Random(12345);
        var backends = new BackendState[count];
        for (int i = 0; i < count; i++)
        {
            backends[i] = new BackendState(
                new BackendOptions { Address = new IPEndPoint(IPAddress.Parse("10.1.0.0"), 8000 + i), Weight = 1 + (i % 4) },
                TimeProvider.System);
            int connections = busy ? random.Next(50) : 0;
            for (int c = 0; c < connections; c++)
            {
                backends[i].ConnectionOpened();
            }
        }

        return new PoolTier([.. backends], busy ? 1 : 2);
    }
}
