using System.Net;
using System.Text.RegularExpressions;
using TcpLb.Configuration;
using TcpLb.Configuration.File;
using Xunit;

namespace TcpLb.UnitTests.Configuration;

/// <summary>tcplb.example.yaml, shipped at the repository root, stays true: it validates, its defaults are the code's, it names every key.</summary>
public sealed class ExampleConfigTests
{
    [Fact]
    public void The_example_validates_clean()
    {
        ConfigLoadResult loaded = ConfigFile.Load(ConfigText.ExamplePath, new System.Collections.Hashtable());

        Assert.Empty(loaded.Problems);
        Assert.NotNull(loaded.Options);
    }

    [Fact]
    public void The_example_shows_the_records_defaults()
    {
        TcpLbOptions example = ConfigFile.Load(ConfigText.ExamplePath, new System.Collections.Hashtable()).Options!;

        var defaults = new TcpLbOptions { Listeners = [] };
        Assert.Equal(defaults.DrainTimeout, example.DrainTimeout);
        Assert.Equal(defaults.Logging, example.Logging);
        Assert.Equal(defaults.Admin, example.Admin);

        // The listener's address and its one backend are examples; every other value must be the default.
        ListenerOptions listener = Assert.Single(example.Listeners);
        ConfigFileTests.AssertSame(
            new ListenerOptions { Listen = [IPEndPoint.Parse("127.0.0.1:8080")], Backends = [new BackendOptions { Address = IPEndPoint.Parse("127.0.0.1:9001") }] },
            listener);
    }

    [Fact]
    public void The_commented_dns_section_shows_its_defaults_too()
    {
        // Uncommented, the example's dns section is valid and holds the defaults of discovery and of a backend.
        string text = File.ReadAllText(ConfigText.ExamplePath);
        string uncommented = text.Replace("    # dns:", "    dns:", StringComparison.Ordinal).Replace("    #   ", "      ", StringComparison.Ordinal);
        ConfigLoadResult loaded = ConfigText.Load(uncommented);

        Assert.Empty(loaded.Problems);
        DnsDiscoveryOptions dns = loaded.Options!.Listeners[0].Discovery!;
        var defaults = new DnsDiscoveryOptions { Name = dns.Name };
        Assert.Equal(defaults.Interval, dns.Interval);
        Assert.Equal(defaults.Srv, dns.Srv);
        Assert.Equal(new BackendOptions { Address = dns.Template!.Address }, dns.Template);
    }

    [Fact]
    public void The_commented_routes_and_pools_run_as_written()
    {
        // Uncommented as the example says (below its "## Routes" line, the first '#' of each line with one), its second listener routes to its pools.
        string[] lines = File.ReadAllLines(ConfigText.ExamplePath);
        int block = Array.FindIndex(lines, line => line.StartsWith("## Routes and named pools", StringComparison.Ordinal));
        Assert.True(block > 0, "the example explains routes and pools");
        string uncommented = string.Join('\n', lines.Select((line, i) => i > block && line.StartsWith('#') && !line.StartsWith("##", StringComparison.Ordinal) ? line[1..] : line));
        ConfigLoadResult loaded = ConfigText.Load(uncommented);

        Assert.Empty(loaded.Problems);
        ListenerOptions routed = loaded.Options!.Listeners[1];
        Assert.Equal(4, routed.Routes.Count);
        Assert.Equal("web", routed.DefaultPool);
        Assert.Equal(["ws", "web"], loaded.Options.Pools.Select(pool => pool.Name).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(TimeSpan.FromHours(1), loaded.Options.Pools.Single(pool => pool.Name == "ws").Timeouts.ClientIdle);
        Assert.Equal(new ProxyTlvOptions { Type = 0xE1, Value = "edge-1" }, routed.ProxyTlvs[^1]);
    }

    [Fact]
    public void The_example_documents_every_key_the_file_accepts()
    {
        string text = File.ReadAllText(ConfigText.ExamplePath);

        // Every key the declarations give the file, written as a key (commented or not) somewhere in the example.
        string[] missing = [.. TcpLbOptions.Settings.Paths().Select(path => path.Split('.')[^1]).Distinct()
            .Where(key => !Regex.IsMatch(text, $@"^[ #-]*{key}:", RegexOptions.Multiline))];

        Assert.NotEmpty(TcpLbOptions.Settings.Paths());
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_declared_setting_of_the_example_holds_its_default()
    {
        TcpLbOptions example = ConfigFile.Load(ConfigText.ExamplePath, new System.Collections.Hashtable()).Options!;
        ListenerOptions listener = Assert.Single(example.Listeners);
        BackendOptions backend = Assert.Single(listener.Backends);

        // Compared through the declarations, as a reload compares them: only the examples of an address may differ.
        var defaultListener = new ListenerOptions { Listen = listener.Listen, Backends = [new BackendOptions { Address = backend.Address }] };
        Assert.Empty(ListenerOptions.Settings.Changes(defaultListener, listener));
        Assert.Empty(TcpLbOptions.Settings.Changes(new TcpLbOptions { Listeners = example.Listeners }, example));
    }
}
