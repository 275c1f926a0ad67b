using TcpLb.Balancing;
using TcpLb.Model;

namespace TcpLb.UnitTests.Discovery;

/// <summary>Test-only policy: the first eligible backend of the tier, so tests can see which tier a pool chooses from.</summary>
internal sealed class FirstEligiblePolicy : ILoadBalancingPolicy
{
    public string Name => "first-eligible";

    public BackendState? Choose(PoolTier backends, in BalancingContext context)
    {
        foreach (BackendState backend in backends.Backends)
        {
            if (context.IsEligible(backend))
            {
                return backend;
            }
        }

        return null;
    }
}
