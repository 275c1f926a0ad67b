using System.Diagnostics.CodeAnalysis;
using System.Net;
using TcpLb.Configuration.Settings;
using static TcpLb.Configuration.Settings.Declare<TcpLb.Configuration.BackendOptions>;

namespace TcpLb.Configuration;

/// <summary>One backend (HAProxy server, YARP destination) as configured.</summary>
internal sealed record BackendOptions
{
    /// <summary>HAProxy's weight range, which <see cref="Weight"/> follows.</summary>
    public const int MinWeight = 1;

    /// <inheritdoc cref="MinWeight"/>
    public const int MaxWeight = 256;

    /// <summary>The router's address: an <see cref="IPEndPoint"/>, or a <see cref="DnsEndPoint"/> resolved at connect time.</summary>
    public required EndPoint Address { get; init; }

    /// <summary>Relative share of new connections, 1..256 (HAProxy's <c>weight</c>).</summary>
    public int Weight { get; init; } = 1;

    /// <summary>Used only when no primary backend is healthy (HAProxy's <c>backup</c>).</summary>
    public bool Backup { get; init; }

    /// <summary>After recovering, the weight ramps from 1 to <see cref="Weight"/> over this time; zero disables (HAProxy's <c>slowstart</c>).</summary>
    public TimeSpan SlowStart { get; init; }

    /// <summary>Most connections at once; 0 = no limit. Past it, connections queue (HAProxy's <c>maxconn</c>).</summary>
    public int MaxConnections { get; init; }

    /// <summary>
    /// A backend's settings but its address, also those of every backend DNS finds (<c>dns.backend</c>). The flag of
    /// each is its name after a comma in the <c>--backend</c> string (<see cref="ShortForm"/>).
    /// </summary>
    public static SettingSet<BackendOptions> SharedSettings { get; } = new(
        Value("weight", SettingValues.Count(MinWeight, MaxWeight), o => o.Weight, (o, v) => o with { Weight = v },
            flag: "weight", help: "Relative share of new connections."),
        Value("maxConnections", SettingValues.Count(0), o => o.MaxConnections, (o, v) => o with { MaxConnections = v },
            flag: "max-conn", help: "Most connections at once (0 = no limit); past it, connections queue."),
        Value("slowStart", SettingValues.DurationOrZero, o => o.SlowStart, (o, v) => o with { SlowStart = v },
            flag: "slow-start", help: "After recovering, the weight ramps up over this time (0s = none)."),
        Value("backup", SettingValues.Bool, o => o.Backup, (o, v) => o with { Backup = v },
            flag: "backup", help: "Used only while no primary backend is healthy."));

    /// <summary>A backend written as settings with an address, as a listener's <c>backends</c> takes it.</summary>
    public static SettingSet<BackendOptions> Settings { get; } = new(
    [
        Value("address", SettingValues.BackendEndPoint, o => o.Address, (o, v) => o with { Address = v },
            help: "The router: an IP address or a host name, with a port.", missing: "missing; give HOST:PORT, e.g. 10.0.0.5:80"),
        .. SharedSettings.Items,
    ]);

    /// <summary>
    /// A backend in one string, as <c>--backend</c> and a <c>backends</c> item take it: the address, then any of
    /// <see cref="SharedSettings"/> after commas, HAProxy-style (<c>10.0.0.5:80,weight=3,slow-start=30s,max-conn=500,backup</c>).
    /// </summary>
    public static SettingValue<BackendOptions> ShortForm { get; } = CreateShortForm();

    /// <summary>Where a backend's settings are written but its address is not (a DNS template): the address is replaced.</summary>
    public static BackendOptions WithoutAddress() => new() { Address = new IPEndPoint(IPAddress.None, 0) };

    /// <summary>The settings that differ from the defaults, in a few words (<c>weight 2, backup true</c>), or <c>defaults</c>.</summary>
    public static string DescribeSettings(BackendOptions backend) =>
        string.Join(", ", SharedSettings.Changes(WithoutAddress(), backend with { Address = WithoutAddress().Address }).Select(change => $"{change.Setting} {change.After}")) is { Length: > 0 } changed
            ? changed
            : "defaults";

    private static SettingValue<BackendOptions> CreateShortForm()
    {
        SettingFlag<BackendOptions>[] settings = [.. SharedSettings.Flags(WithoutAddress())];
        string[] forms = [.. settings.Select(setting => setting.HelpName is null ? setting.Name : $"{setting.Name}={setting.HelpName}")];
        string usage = $"use {string.Join(", ", forms[..^1])} or {forms[^1]}";
        return new SettingValue<BackendOptions>(
            $"HOST:PORT[,{string.Join(",", forms)}]",
            (string text, [MaybeNullWhen(false)] out BackendOptions backend, out string error) =>
            {
                backend = null;
                string[] parts = text.Split(',');
                if (!SettingValues.BackendEndPoint.TryParse(parts[0], out EndPoint? address, out error))
                {
                    return false;
                }

                BackendOptions options = new() { Address = address };
                foreach (string part in parts.Skip(1))
                {
                    // name=value, or a switch's name alone.
                    string[] pair = part.Split('=', 2);
                    SettingFlag<BackendOptions>? setting = settings.FirstOrDefault(setting => setting.Name == pair[0]);
                    string? value = setting is null ? null : (setting.HelpName is null) == (pair.Length == 1) ? (pair.Length == 2 ? pair[1] : "true") : null;
                    if (setting is null || value is null || setting.Check(value) is not null)
                    {
                        error = $"'{part}' is not a backend setting; {usage}";
                        return false;
                    }

                    options = setting.Apply(options, [value]);
                }

                backend = options;
                return true;
            },
            backend => string.Join(',', [ValueParsers.FormatEndPoint(backend.Address), .. SharedSettings.Changes(WithoutAddress(), backend).Select(Written)]));

        // A setting that differs from its default, as the short form writes it (weight=2, backup).
        string Written(SettingChange change)
        {
            SettingFlag<BackendOptions> setting = settings.First(setting => setting.Setting == change.Setting);
            return setting.HelpName is null ? setting.Name : $"{setting.Name}={change.After}";
        }
    }
}
