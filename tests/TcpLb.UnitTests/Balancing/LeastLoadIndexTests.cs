using FsCheck.Xunit;
using TcpLb.Balancing;
using TcpLb.Configuration;
using TcpLb.Model;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

/// <summary>
/// The least-connections index must stay exact while backends change under it: every choice it makes has
/// the least load a full scan of the available backends finds, including after changes no event announces
/// (an ejection running out, a slow-start weight step) and after the tier is replaced.
/// </summary>
public sealed class LeastLoadIndexTests
{
    private readonly PolicyTestPool _pool = new();
    private readonly ILoadBalancingPolicy _policy = PolicyTestPool.Policy(BalancingPolicyNames.LeastConnections);

    /// <summary>
    /// Each pair of bytes is one change (what, to which backend) among opens, closes, health flips,
    /// ejections, drains, clock steps and real choices; after each, the choice is checked against a scan.
    /// </summary>
    [Property(MaxTest = 300)]
    public void Every_choice_has_the_least_load_a_full_scan_finds(byte[] changes)
    {
        BackendState[] backends =
        [
            _pool.Backend(weight: 1),
            _pool.Backend(weight: 2),
            _pool.Backend(weight: 3, maxConnections: 3),
            _pool.Backend(weight: 4, slowStart: TimeSpan.FromSeconds(10)),
            _pool.Backend(weight: 1, maxConnections: 1),
            _pool.Backend(weight: 2, slowStart: TimeSpan.FromSeconds(3)),
        ];
        PoolTier tier = PolicyTestPool.Tier(backends);
        AssertChoiceIsLeastLoaded(tier);

        for (int i = 0; i + 1 < changes.Length; i += 2)
        {
            BackendState target = backends[changes[i + 1] % backends.Length];
            int amount = changes[i + 1] / backends.Length;
            switch (changes[i] % 9)
            {
                case 0: target.TryOpenConnection(); break;
                case 1 when target.ActiveConnections > 0: target.ConnectionClosed(); break;
                case 2: target.SetCheckedUp(false); break;
                case 3: target.SetCheckedUp(true); break;
                case 4: target.EjectUntil(_pool.Time.GetTimestamp() + (amount * _pool.Time.TimestampFrequency / 10)); break;
                case 5: target.EjectUntil(0); break;
                case 6: _pool.Time.Advance(TimeSpan.FromMilliseconds(100 * amount)); break;
                case 7: _pool.Choose(_policy, tier)?.TryOpenConnection(); break;
                case 8 when amount == 0: target.MarkDraining(); break;
                default: break;
            }

            AssertChoiceIsLeastLoaded(tier);
        }
    }

    [Fact]
    public void A_backend_comes_back_when_its_ejection_runs_out_with_no_event()
    {
        BackendState idle = _pool.Backend();
        BackendState busy = _pool.Backend();
        Open(busy, 3);
        PoolTier tier = PolicyTestPool.Tier(idle, busy);
        idle.EjectUntil(_pool.Time.GetTimestamp() + _pool.Time.TimestampFrequency * 10); // 10 s

        Assert.Same(busy, _pool.Choose(_policy, tier));
        _pool.Time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Same(busy, _pool.Choose(_policy, tier));
        _pool.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Same(idle, _pool.Choose(_policy, tier));
    }

    [Fact]
    public void A_slow_starting_backend_gains_its_share_as_its_weight_grows_with_no_event()
    {
        BackendState ramping = _pool.Backend(weight: 4, slowStart: TimeSpan.FromSeconds(10));
        BackendState steady = _pool.Backend(weight: 4);
        ramping.SetCheckedUp(false);
        ramping.SetCheckedUp(true); // recovered now: weight 1, growing to 4 over 10 s
        Open(ramping, 2);
        Open(steady, 3);
        PoolTier tier = PolicyTestPool.Tier(ramping, steady);

        Assert.Same(steady, _pool.Choose(_policy, tier)); // 2 per weight 1 against 3 per weight 4
        _pool.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Same(ramping, _pool.Choose(_policy, tier)); // 2/4 against 3/4
    }

    [Fact]
    public void A_slow_start_step_is_seen_when_it_comes_even_after_a_reading_between_steps()
    {
        BackendState ramping = _pool.Backend(weight: 4, slowStart: TimeSpan.FromSeconds(10)); // weight 2 from 5 s on
        BackendState steady = _pool.Backend(weight: 3);
        ramping.SetCheckedUp(false);
        ramping.SetCheckedUp(true);
        Open(ramping, 1);
        Open(steady, 2);
        PoolTier tier = PolicyTestPool.Tier(ramping, steady);
        Assert.Same(steady, _pool.Choose(_policy, tier)); // 1 per weight 1 against 2 per weight 3

        _pool.Time.Advance(TimeSpan.FromSeconds(4.9));
        ramping.ConnectionOpened(); // a change read between two steps of the ramp
        ramping.ConnectionClosed();
        Assert.Same(steady, _pool.Choose(_policy, tier));

        _pool.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Same(ramping, _pool.Choose(_policy, tier)); // 1 per weight 2 against 2 per weight 3
    }

    [Fact]
    public void Stays_exact_for_the_same_backends_across_many_replaced_tiers()
    {
        BackendState[] backends = _pool.Backends(1, 1, 1);
        for (int reload = 0; reload < 10; reload++)
        {
            PoolTier tier = PolicyTestPool.Tier(backends);
            BackendState chosen = _pool.Choose(_policy, tier) ?? throw new InvalidOperationException("nothing chosen");
            chosen.ConnectionOpened();
            AssertChoiceIsLeastLoaded(tier);
        }

        // 10 connections placed one at a time on the least loaded: 4, 3, 3 in some order.
        Assert.Equal([3, 3, 4], backends.Select(b => b.ActiveConnections).Order());
    }

    [Fact]
    public void A_retry_gets_the_least_loaded_of_the_backends_not_yet_tried()
    {
        BackendState[] backends = _pool.Backends(1, 1, 1);
        Open(backends[1], 1);
        Open(backends[2], 2);
        PoolTier tier = PolicyTestPool.Tier(backends);

        Assert.Same(backends[1], _pool.Choose(_policy, tier, excluded: [backends[0]]));
        Assert.Null(_pool.Choose(_policy, tier, excluded: backends));
    }

    private void AssertChoiceIsLeastLoaded(PoolTier tier)
    {
        long now = _pool.Time.GetTimestamp();
        BackendState[] available = [.. tier.Backends.Where(b => b.IsAvailable)];
        BackendState? chosen = _pool.Choose(_policy, tier);
        if (available.Length == 0)
        {
            Assert.Null(chosen);
            return;
        }

        Assert.NotNull(chosen);
        Assert.Contains(chosen, available);
        BackendState least = available.MinBy(b => (double)b.ActiveConnections / Math.Max(1, b.EffectiveWeight(now)))!;
        Assert.True(
            ConnectionLoad.Compare(chosen.ActiveConnections, Math.Max(1, chosen.EffectiveWeight(now)), least.ActiveConnections, Math.Max(1, least.EffectiveWeight(now))) == 0,
            $"chose {chosen} ({chosen.ActiveConnections} at weight {chosen.EffectiveWeight(now)}) over {least} ({least.ActiveConnections} at weight {least.EffectiveWeight(now)})");
    }

    private static void Open(BackendState backend, int connections)
    {
        for (int i = 0; i < connections; i++)
        {
            backend.ConnectionOpened();
        }
    }
}
