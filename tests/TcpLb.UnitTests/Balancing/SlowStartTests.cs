using TcpLb.Balancing;
using TcpLb.Model;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

/// <summary>A backend that recovers ramps up over its slow start instead of taking a flood at once.</summary>
public sealed class SlowStartTests
{
    private static readonly TimeSpan s_ramp = TimeSpan.FromSeconds(100);

    [Theory]
    [MemberData(nameof(PolicyTestPool.WeightedPolicies), MemberType = typeof(PolicyTestPool))]
    public void A_recovered_backend_gets_a_growing_share_over_the_ramp(string name)
    {
        var pool = new PolicyTestPool();
        BackendState recovering = pool.Backend(weight: 100, slowStart: s_ramp);
        BackendState steady = pool.Backend(weight: 100);
        PoolTier tier = PolicyTestPool.Tier(recovering, steady);
        ILoadBalancingPolicy policy = PolicyTestPool.Policy(name);
        recovering.SetCheckedUp(false);
        recovering.SetCheckedUp(true);

        double[] shares = new double[4];
        for (int step = 0; step < shares.Length; step++)
        {
            // 10 %, 40 %, 70 % and 100 % of the ramp; connections stay open during each sample, so load counts.
            pool.Time.Advance(step == 0 ? s_ramp * 0.1 : s_ramp * 0.3);
            shares[step] = pool.Spread(policy, tier, 4_000, keepOpen: true)[recovering] / 4_000.0;
        }

        TestContext.Current.SendDiagnosticMessage($"{name}: {string.Join(", ", shares.Select(s => s.ToString("P1")))}");
        Assert.True(shares[0] < 0.12, $"share at 10 % of the ramp: {shares[0]:P1}");
        Assert.True(shares[0] < shares[1] && shares[1] < shares[2] && shares[2] < shares[3], $"shares over the ramp: {string.Join(", ", shares.Select(s => s.ToString("P1")))}");
        Assert.InRange(shares[3], 0.45, 0.55);
    }

    [Theory]
    [MemberData(nameof(PolicyTestPool.WeightedPolicies), MemberType = typeof(PolicyTestPool))]
    public void A_backend_up_from_the_start_has_no_ramp(string name)
    {
        var pool = new PolicyTestPool();
        BackendState fresh = pool.Backend(weight: 100, slowStart: s_ramp);
        BackendState steady = pool.Backend(weight: 100);

        double share = pool.Spread(PolicyTestPool.Policy(name), PolicyTestPool.Tier(fresh, steady), 4_000, keepOpen: true)[fresh] / 4_000.0;

        Assert.InRange(share, 0.45, 0.55);
    }
}
