using TcpLb.Configuration;

namespace TcpLb.Health;

/// <summary>The probe a pool's <see cref="HealthCheckOptions"/> ask for.</summary>
internal static class HealthProbeFactory
{
    /// <summary>
    /// The probe of <paramref name="options"/>' kind, or null for <see cref="HealthCheckKind.None"/>. The probe
    /// sends the check's own PROXY setting, or else the pool's (<paramref name="poolSendProxy"/>): a router
    /// that requires a header from the pool requires one from its checks too (rule 25).
    /// </summary>
    public static IHealthProbe? Create(HealthCheckOptions options, ProxySendMode poolSendProxy, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ProxySendMode sendProxy = options.SendProxy ?? poolSendProxy;
        return options.Kind switch
        {
            HealthCheckKind.Tcp => new TcpConnectProbe(options, sendProxy, time),
            HealthCheckKind.Http => new HttpProbe(options, sendProxy, time),
            _ => null,
        };
    }
}
