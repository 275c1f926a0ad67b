using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>Adds the PROXY protocol to a Kestrel endpoint.</summary>
public static class ListenOptionsProxyProtocolExtensions
{
    /// <summary>
    /// Reads the PROXY header (v1 or v2) that a trusted load balancer sends before the client's bytes, and makes
    /// the client it reports the connection's <c>RemoteEndPoint</c> (so <c>HttpContext.Connection.RemoteIpAddress</c>,
    /// logs, rate limiting and YARP's <c>X-Forwarded-For</c> see it), with the header in <see cref="IProxyProtocolFeature"/>.
    /// Call it before <c>UseHttps()</c>: the header comes before the TLS handshake. Works for HTTP/1.1, HTTP/2
    /// (h2 and h2c), WebSockets and <c>UseConnectionHandler</c>.
    /// </summary>
    /// <param name="listenOptions">The endpoint.</param>
    /// <param name="configure">Sets the trusted networks and the rest of <see cref="ProxyProtocolOptions"/>.</param>
    /// <returns>The endpoint, to go on configuring it.</returns>
    /// <exception cref="ArgumentException">An option is out of range; the message names each one.</exception>
    /// <remarks>
    /// Services come from the host when it has them: <see cref="ILoggerFactory"/> (category
    /// <c>TcpLb.ProxyProtocol.AspNetCore</c>), <see cref="IMeterFactory"/> (meter <c>TcpLb.ProxyProtocol.AspNetCore</c>)
    /// and <see cref="TimeProvider"/> (for the header timeout).
    /// </remarks>
    public static ListenOptions UseProxyProtocol(this ListenOptions listenOptions, Action<ProxyProtocolOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ProxyProtocolOptions();
        configure(options);
        ProxyProtocolSettings settings = ProxyProtocolSettings.From(options);

        IServiceProvider? services = listenOptions.ApplicationServices;
        ILogger logger = (services?.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(ProxyProtocolLog.Category);
        TimeProvider timeProvider = services?.GetService<TimeProvider>() ?? TimeProvider.System;
        var metrics = new ProxyProtocolMetrics(services?.GetService<IMeterFactory>());
        if (settings.TrustsNobody)
        {
            ProxyProtocolLog.NoTrustedNetworks(logger, listenOptions.EndPoint);
        }

        listenOptions.Use(next => new ProxyProtocolMiddleware(next, settings, timeProvider, logger, metrics).OnConnectionAsync);
        return listenOptions;
    }
}
