using TcpLb.Balancing;
using TcpLb.Model;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Balancing;

public sealed class ConcurrencyTests
{
    [Theory]
    [MemberData(nameof(PolicyTestPool.AllPolicies), MemberType = typeof(PolicyTestPool))]
    public async Task Choices_from_several_threads_while_the_tier_keeps_changing_never_throw_and_stay_in_the_tier(string name)
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(20));
        var pool = new PolicyTestPool();
        BackendState[] backends = pool.Backends(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        ILoadBalancingPolicy policy = PolicyTestPool.Policy(name, Random.Shared); // the thread-safe Random production uses
        PoolTier current = PolicyTestPool.Tier(backends);
        long choices = 0;
        bool done = false;

        Task[] choosers = [.. Enumerable.Range(0, 3).Select(thread => Task.Run(() =>
        {
            ulong hash = (ulong)thread << 32;
            while (!Volatile.Read(ref done))
            {
                PoolTier tier = Volatile.Read(ref current);
                BackendState? chosen = pool.Choose(policy, tier, StableHash.Mix(hash++));
                if (chosen is not null)
                {
                    Assert.Contains(chosen, tier.Backends);
                    chosen.ConnectionOpened(); // counts move under the scans, as in production
                    chosen.ConnectionClosed();
                }

                Interlocked.Increment(ref choices);
            }
        }, deadline.Token))];

        var random = new Random(3);
        for (int change = 0; change < 50 && !choosers.Any(t => t.IsCompleted); change++)
        {
            // A new membership (some backends in, some out) and a health flip, like a reload racing health checks.
            Volatile.Write(ref current, PolicyTestPool.Tier(backends.Where(_ => random.Next(3) > 0)));
            backends[random.Next(backends.Length)].SetCheckedUp(random.Next(2) == 0);

            // Let the choosers see this tier before the next one replaces it: a signal, not a sleep.
            long seen = Interlocked.Read(ref choices);
            while (Interlocked.Read(ref choices) < seen + 200 && !choosers.Any(t => t.IsCompleted))
            {
                deadline.Token.ThrowIfCancellationRequested();
                Thread.Yield();
            }
        }

        Volatile.Write(ref done, true);
        await Task.WhenAll(choosers); // rethrows what any chooser threw
        Assert.True(Interlocked.Read(ref choices) >= 10_000, $"only {choices} choices made");
    }
}
