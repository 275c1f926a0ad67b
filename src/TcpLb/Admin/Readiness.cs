
using TcpLb.Balancing;

namespace TcpLb.Admin;

/// <summary>
/// Readiness (<c>/ready</c>, a Kubernetes readiness probe): every listener accepting, and each pool with at least
/// one healthy backend that is not draining. A balancer that would only refuse or reset should get no traffic.
/// </summary>
internal static class Readiness
{
    public static (bool Ready, string Reason) Check(IBalancerStatus server)
    {
        if (!server.IsAccepting)
        {
            return (false, "not accepting connections (starting, or draining for shutdown)");
        }

        // The pools listeners send to: a named pool no route reaches yet does not hold readiness back.
        foreach (Pool pool in server.Listeners.SelectMany(listener => listener.Routes.Select(route => route.Pool).Append(listener.Pool)).Distinct())
        {
            if (!pool.All.Any(backend => backend.IsHealthy && !backend.IsDraining))
            {
                string unresolved = string.Join("; ", pool.All.Where(b => b.ResolutionFailure is not null).Select(b => $"{b.Name} does not resolve: {b.ResolutionFailure}"));
                return (false, $"pool {pool.Name} has no healthy backend" + (unresolved.Length > 0 ? $" ({unresolved})" : string.Empty));
            }
        }

        return (true, "every listener is accepting and every pool has a healthy backend");
    }
}
