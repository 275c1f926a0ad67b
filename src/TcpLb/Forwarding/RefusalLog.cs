using System.Net;
using Microsoft.Extensions.Logging;
using TcpLb.Diagnostics;

namespace TcpLb.Forwarding;

/// <summary>
/// The warning lines a peer can cause (an invalid or late PROXY header, an untrusted source, no backend, a failed
/// connect), rate-limited per reason: at most one line per reason every <see cref="DefaultInterval"/>, and the next
/// line after a quiet spell is preceded by one saying how many like it were left out. The metrics still count
/// every refusal; only the log is thinned.
/// </summary>
internal sealed partial class RefusalLog(ILogger logger, TimeProvider time, TimeSpan? interval = null)
{
    /// <summary>Long enough that a flood costs a few lines a minute, short enough that a new cause shows at once.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly LogRateLimiter _limiter = new(time, interval ?? DefaultInterval);

    public void InvalidProxyHeader(IPEndPoint peer, string reason)
    {
        if (Allow(reason))
        {
            ForwardingLog.InvalidProxyHeader(logger, peer, reason);
        }
    }

    public void ProxyHeaderTimeout(IPEndPoint peer, double seconds)
    {
        if (Allow("PROXY header timeout"))
        {
            ForwardingLog.ProxyHeaderTimeout(logger, peer, seconds);
        }
    }

    public void UntrustedSource(IPEndPoint peer)
    {
        if (Allow("untrusted source"))
        {
            ForwardingLog.UntrustedSource(logger, peer);
        }
    }

    public void NoBackend(IPEndPoint client, CloseReason reason)
    {
        if (Allow(CloseReasonText.Name(reason)))
        {
            ForwardingLog.NoBackend(logger, client, reason);
        }
    }

    public void ConnectFailed(IPEndPoint client, EndPoint backend, string reason)
    {
        if (Allow($"connect to {backend}: {reason}"))
        {
            ForwardingLog.ConnectFailed(logger, client, backend, reason);
        }
    }

    private bool Allow(string reason)
    {
        if (!logger.IsEnabled(LogLevel.Warning) || !_limiter.TryAcquire(reason, out int suppressed))
        {
            return false;
        }

        if (suppressed > 0)
        {
            Suppressed(logger, suppressed, reason, _limiter.Interval.TotalSeconds);
        }

        return true;
    }

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "{Count} more refused connections ({Reason}) were not logged, at most one line per reason every {Seconds} s")]
    private static partial void Suppressed(ILogger logger, int count, string reason, double seconds);
}
