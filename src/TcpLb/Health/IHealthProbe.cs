using TcpLb.Model;

namespace TcpLb.Health;

/// <summary>
/// One active check of one backend: the seam between the health state machine and the network, so the
/// state machine is tested with a substitute and the probes with real sockets.
/// </summary>
internal interface IHealthProbe
{
    /// <summary>
    /// Checks <paramref name="backend"/> once. A probe bounds itself by its check timeout and reports every
    /// failure, the timeout included, as an unhealthy result; it throws only
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> (the checker stopping) fires.
    /// </summary>
    Task<HealthProbeResult> ProbeAsync(BackendState backend, CancellationToken cancellationToken);
}
