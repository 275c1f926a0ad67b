using System.Net;
using TcpLb.ProxyProtocol.AspNetCore;

// Usage: TcpLb.Benchmarks.KestrelPair PLAIN_PORT PROXY_PORT
// Both endpoints serve the same 2-byte page; only the second reads PROXY headers (from 127.0.0.0/8, Required).
int plainPort = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
int proxyPort = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, plainPort);
    kestrel.Listen(IPAddress.Loopback, proxyPort, endpoint => endpoint.UseProxyProtocol(options =>
        options.TrustedNetworks.Add(IPNetwork.Parse("127.0.0.0/8"))));
});

WebApplication app = builder.Build();
byte[] page = "ok"u8.ToArray();
app.Run(context =>
{
    context.Response.ContentLength = page.Length;
    return context.Response.Body.WriteAsync(page, context.RequestAborted).AsTask();
});
await app.RunAsync();
