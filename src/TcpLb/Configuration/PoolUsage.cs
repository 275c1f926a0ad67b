namespace TcpLb.Configuration;

/// <summary>
/// Which listeners send to a named pool (by a route or as their <c>defaultPool</c>), and what follows from them: the
/// PROXY header a pool's health checks send when <c>healthCheck.sendProxy</c> does not say, which is the header the
/// pool's routers get from those listeners, so all of them must send the same one.
/// </summary>
internal static class PoolUsage
{
    /// <summary>True when <paramref name="listener"/> sends some connections to the named pool <paramref name="pool"/>.</summary>
    public static bool SendsTo(ListenerOptions listener, string pool) =>
        listener.DefaultPool == pool || listener.Routes.Any(route => route.Pool == pool);

    /// <summary>The header the named pool's checks send: its own <c>healthCheck.sendProxy</c>, else its listeners' (none: off).</summary>
    public static ProxySendMode HealthCheckSendProxy(PoolOptions pool, IReadOnlyList<ListenerOptions> listeners) =>
        pool.HealthCheck.SendProxy ?? listeners.FirstOrDefault(listener => SendsTo(listener, pool.Name))?.SendProxy ?? ProxySendMode.Off;

    /// <summary>Named pools whose listeners send different headers while the pool's checks do not say which to send.</summary>
    public static IEnumerable<SettingProblem> Check(TcpLbOptions options)
    {
        foreach (PoolOptions pool in options.Pools)
        {
            if (pool.HealthCheck.Kind == HealthCheckKind.None || pool.HealthCheck.SendProxy is not null || pool.HealthCheck.Port != 0)
            {
                continue;
            }

            var modes = options.Listeners.Select((listener, index) => (listener, index))
                .Where(pair => SendsTo(pair.listener, pool.Name))
                .GroupBy(pair => pair.listener.SendProxy)
                .Select(group => $"listeners[{group.First().index}] sends {group.Key.ToString().ToLowerInvariant()}")
                .ToList();
            if (modes.Count > 1)
            {
                yield return new(
                    $"pools.{pool.Name}.healthCheck.sendProxy",
                    $"its listeners send different PROXY headers ({string.Join(", ", modes)}); say which one its checks send");
            }
        }
    }
}
