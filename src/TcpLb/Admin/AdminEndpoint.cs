using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using TcpLb.Diagnostics;

namespace TcpLb.Admin;

/// <summary>
/// The admin HTTP endpoint, a small Kestrel app apart from the balanced traffic: <c>/metrics</c> (Prometheus,
/// through OpenTelemetry's exporter reading the TcpLb meter), <c>/healthz</c> (liveness), <c>/ready</c>
/// (readiness) and <c>/status</c> (JSON), each request first checked by <see cref="AdminAccess"/> (the bearer token).
/// Handlers are plain request delegates and the JSON is source-generated, so nothing here needs reflection (Native AOT).
/// </summary>
internal sealed class AdminEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AdminEndpoint(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Where it listens, with the port resolved: <c>http://127.0.0.1:8411</c>.</summary>
    public string Url { get; }

    /// <summary>
    /// Binds <paramref name="listen"/> and serves what <paramref name="access"/> permits; throws <see cref="AdminEndpointException"/>
    /// naming the address, and the setting that moves it, when it cannot bind.
    /// </summary>
    public static async Task<AdminEndpoint> StartAsync(
        IPEndPoint listen, AdminAccess access, IBalancerStatus server, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // The empty builder: no appsettings.json or ASPNETCORE_URLS from the environment can move or widen the endpoint.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(listen));
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(loggers); // Kestrel's own warnings go to the process's log
        builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("tcplb")).WithMetrics(metrics => metrics
            .AddMeter(TcpLbMetrics.MeterName)
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0)); // every scrape is fresh
        WebApplication app = builder.Build();
        // Before routing: an unknown path without the token is refused like a known one, so probing tells nothing.
        app.Use((context, next) => access.Permits(context.Request.Path, context.Request.Headers.Authorization.ToString()) ? next(context) : RefuseAsync(context));
        app.UseRouting();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/healthz", static context => WriteTextAsync(context, StatusCodes.Status200OK, "ok"));
        app.MapGet("/ready", context =>
        {
            (bool ready, string reason) = Readiness.Check(server);
            return WriteTextAsync(context, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, (ready ? "ready: " : "not ready: ") + reason);
        });
        app.MapGet("/status", context =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            return JsonSerializer.SerializeAsync(context.Response.Body, StatusReport.From(server), AdminJsonContext.Default.StatusReport, context.RequestAborted);
        });

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new AdminEndpointException(
                $"cannot listen on admin address {listen}: {exception.InnerException?.Message ?? exception.Message} " +
                "(move it with admin.listen in the config file or --admin-listen ADDR:PORT, or remove it with --admin-listen off)",
                exception);
        }

        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AdminEndpoint(app, url);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static Task RefuseAsync(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"tcplb\"";
        return WriteTextAsync(context, StatusCodes.Status401Unauthorized,
            $"unauthorized: send Authorization: Bearer TOKEN, the token of admin.tokenFile or {AdminToken.Variable}");
    }

    private static Task WriteTextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text + "\n", context.RequestAborted);
    }
}
