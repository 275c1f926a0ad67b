using System.Diagnostics.Metrics;

namespace TcpLb.ProxyProtocol.AspNetCore;

/// <summary>
/// The package's counters on one <see cref="Meter"/>, named <see cref="MeterName"/>. Tags are small fixed sets
/// (version, command, reason, codec error), never an address.
/// </summary>
internal sealed class ProxyProtocolMetrics
{
    /// <summary>The meter to listen to (OpenTelemetry: <c>AddMeter("TcpLb.ProxyProtocol.AspNetCore")</c>).</summary>
    public const string MeterName = "TcpLb.ProxyProtocol.AspNetCore";

    private static readonly Meter s_unmanagedMeter = new(MeterName);

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _plain;

    public ProxyProtocolMetrics(IMeterFactory? meterFactory)
    {
        // The host's factory when there is one (the meter is then the DI container's, as ASP.NET Core's own are).
        Meter meter = meterFactory?.Create(MeterName) ?? s_unmanagedMeter;
        _accepted = meter.CreateCounter<long>("proxy_protocol.headers.accepted", "{header}", "PROXY headers read from trusted sources.");
        _rejected = meter.CreateCounter<long>("proxy_protocol.connections.rejected", "{connection}", "Connections from trusted sources closed for their header (invalid, missing, timeout, truncated).");
        _plain = meter.CreateCounter<long>("proxy_protocol.connections.plain", "{connection}", "Connections served without a header: an untrusted source, or a plain client in Optional mode.");
    }

    public void Accepted(ProxyHeader header)
    {
        if (_accepted.Enabled)
        {
            _accepted.Add(
                1,
                new KeyValuePair<string, object?>("proxy_protocol.version", header.Version == ProxyVersion.V1 ? "1" : "2"),
                new KeyValuePair<string, object?>("proxy_protocol.command", header.Command == ProxyCommand.Local ? "local" : "proxy"));
        }
    }

    public void Rejected(ProxyHeaderRejection reason, ProxyHeaderError error)
    {
        if (_rejected.Enabled)
        {
            _rejected.Add(
                1,
                new KeyValuePair<string, object?>("proxy_protocol.reject_reason", ReasonTag(reason)),
                new KeyValuePair<string, object?>("proxy_protocol.error", error == ProxyHeaderError.None ? null : ErrorTag(error)));
        }
    }

    public void Plain(bool trusted)
    {
        if (_plain.Enabled)
        {
            _plain.Add(1, new KeyValuePair<string, object?>("proxy_protocol.source", trusted ? "trusted" : "untrusted"));
        }
    }

    private static string ReasonTag(ProxyHeaderRejection reason) => reason switch
    {
        ProxyHeaderRejection.Invalid => "invalid",
        ProxyHeaderRejection.Missing => "missing",
        ProxyHeaderRejection.Timeout => "timeout",
        _ => "truncated",
    };

    // Enum.ToString() allocates on every call; the reject path may run once per connection of a flood.
    private static readonly Dictionary<ProxyHeaderError, string> s_errorTags =
        Enum.GetValues<ProxyHeaderError>().ToDictionary(error => error, error => error.ToString());

    private static string ErrorTag(ProxyHeaderError error) => s_errorTags.TryGetValue(error, out string? tag) ? tag : "unknown";
}
